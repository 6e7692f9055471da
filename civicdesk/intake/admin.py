from django.contrib import admin

from civicdesk.intake.models import Call, CallEvent


class CallEventInline(admin.TabularInline):
    model = CallEvent
    extra = 0
    can_delete = False
    readonly_fields = ("kind", "at", "agent", "extension", "posted_by", "received_at")


@admin.register(Call)
class CallAdmin(admin.ModelAdmin):
    list_display = ("call_id", "phone", "state", "agent", "started_at", "order", "called_back_at")
    list_filter = ("state", "hub")
    search_fields = ("call_id", "phone")
    raw_id_fields = ("order", "agent", "called_back_by")
    inlines = [CallEventInline]
