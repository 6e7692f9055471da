"""Calls in the admin, without the callers' numbers (see civicdesk.orders.admin: personal
data is kept out of the admin; the console's missed-calls page shows numbers to the hub)."""

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from civicdesk.intake.models import Call, CallEvent
from civicdesk.lib.masking import mask_phone


class CallEventInline(admin.TabularInline):
    model = CallEvent
    extra = 0
    can_delete = False
    readonly_fields = ("kind", "at", "agent", "extension", "posted_by", "received_at")


@admin.register(Call)
class CallAdmin(admin.ModelAdmin):
    list_display = ("call_id", "masked_phone", "state", "agent", "started_at", "order", "called_back_at")
    list_filter = ("state", "hub")
    search_fields = ("call_id",)
    exclude = ("phone",)
    readonly_fields = ("masked_phone",)
    raw_id_fields = ("order", "agent", "called_back_by")
    inlines = [CallEventInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # calls come from the softphones (intake.calls.record_event)

    @admin.display(description=_("来电号码"))
    def masked_phone(self, call: Call) -> str:
        return mask_phone(call.phone)
