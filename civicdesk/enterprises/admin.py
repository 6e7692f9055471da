from django.contrib import admin

from civicdesk.enterprises.models import (
    Enterprise,
    LiaisonAssignment,
    Licence,
    LicenceReminder,
    LicenceRenewal,
    ReminderMessage,
)


class LiaisonInline(admin.TabularInline):
    model = LiaisonAssignment
    extra = 1
    raw_id_fields = ["officer"]


class LicenceInline(admin.TabularInline):
    model = Licence
    extra = 0
    raw_id_fields = ["issuing_unit"]


@admin.register(Enterprise)
class EnterpriseAdmin(admin.ModelAdmin):
    list_display = ["name", "credit_code", "industry", "size", "area", "contact_name", "contact_phone", "active"]
    list_filter = ["active", "industry", "size"]
    search_fields = ["name", "credit_code", "contact_name"]
    raw_id_fields = ["area"]
    inlines = [LiaisonInline, LicenceInline]


@admin.register(LiaisonAssignment)
class LiaisonAssignmentAdmin(admin.ModelAdmin):
    list_display = ["officer", "enterprise", "starts_on", "ends_on"]
    search_fields = ["officer__username", "officer__display_name", "enterprise__name", "enterprise__credit_code"]
    raw_id_fields = ["officer", "enterprise"]


@admin.register(Licence)
class LicenceAdmin(admin.ModelAdmin):
    list_display = ["enterprise", "kind", "number", "issuing_unit", "valid_from", "valid_to"]
    list_filter = ["kind", "issuing_unit"]
    search_fields = ["number", "enterprise__name"]
    raw_id_fields = ["enterprise", "issuing_unit"]
    date_hierarchy = "valid_to"


@admin.register(LicenceRenewal)
class LicenceRenewalAdmin(admin.ModelAdmin):
    list_display = ["licence", "old_valid_to", "new_valid_to", "renewed_at", "renewed_by"]
    raw_id_fields = ["licence", "renewed_by"]


class ReminderMessageInline(admin.TabularInline):
    """The outbox messages of a reminder; their delivery (requeue, mark sent) is settled in
    the outbox's admin (notifications.OutboxMessage)."""

    model = ReminderMessage
    extra = 0
    fields = ["recipient", "message"]
    readonly_fields = ["recipient", "message"]


@admin.register(LicenceReminder)
class LicenceReminderAdmin(admin.ModelAdmin):
    list_display = ["licence", "offset_days", "valid_to", "send_on", "created_at"]
    raw_id_fields = ["licence"]
    inlines = [ReminderMessageInline]
