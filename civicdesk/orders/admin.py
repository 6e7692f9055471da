"""Read-only views of orders for the admin; every change goes through the actions."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from civicdesk.orders.models import OrderEvent, SupervisionNotice, WorkOrder


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class EventInline(admin.TabularInline):
    model = OrderEvent
    fields = ("seq", "at", "action", "actor", "acting_unit", "from_state", "to_state", "note")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(WorkOrder)
class WorkOrderAdmin(ReadOnlyAdmin):
    list_display = ["number", "title", "state", "request_type", "urgency", "lead_unit", "handle_due_at", "created_at"]
    list_filter = ["state", "request_type", "urgency", "channel"]
    search_fields = ["number", "title", "citizen_phone"]
    date_hierarchy = "created_at"
    inlines = [EventInline]
    list_select_related = ["lead_unit"]
    show_full_result_count = False


@admin.register(SupervisionNotice)
class SupervisionNoticeAdmin(ReadOnlyAdmin):
    list_display = ["order", "stage", "level", "due_at", "created_at"]
    list_filter = ["stage", "level"]
