"""Read-only views of orders for the admin; every change goes through the actions.

Callers' personal data is kept out of the admin rather than masked and audited here as
well: the admin is a tool for system administrators, not for working on orders, and a
second set of views over callers would need the console's rules (confidential callers,
masking by role, the access log) kept in step twice. So the caller's name and phone are
not shown, nothing is searched by phone (finding a confidential order by its caller's
number tells who called), and the free text — where a caller's number may be written —
is shown with every phone number and the caller's name masked. Whoever needs a caller
uses the console, which shows and logs by role.
"""

from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from civicdesk.lib.masking import mask_phones_in, scrub_text
from civicdesk.orders.models import OrderEvent, SupervisionNotice, WorkOrder

if TYPE_CHECKING:
    # The stubs make the admin classes generic; at run time they are not subscriptable.
    ModelAdmin = admin.ModelAdmin[Any]
    TabularInline = admin.TabularInline[Any, Any]
else:
    ModelAdmin = admin.ModelAdmin
    TabularInline = admin.TabularInline

# Personal data and the free text that may carry it; the masked text is shown instead.
PERSONAL_FIELDS = ("citizen_name", "citizen_phone")
FREE_TEXT_FIELDS = ("title", "content", "address", "reply_text", "answer_text", "no_callback_reason", "void_reason")


class ReadOnlyAdmin(ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class EventInline(TabularInline):
    model = OrderEvent
    fields = ("seq", "at", "action", "actor", "acting_unit", "from_state", "to_state", "masked_note")
    readonly_fields = fields
    extra = 0
    can_delete = False

    @admin.display(description=_("说明"))
    def masked_note(self, event: OrderEvent) -> str:
        return mask_phones_in(event.note)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(WorkOrder)
class WorkOrderAdmin(ReadOnlyAdmin):
    list_display = [
        "number",
        "masked_title",
        "state",
        "request_type",
        "urgency",
        "lead_unit",
        "handle_due_at",
        "created_at",
    ]
    list_filter = ["state", "request_type", "urgency", "channel"]
    # By number only: a search by phone (or by digits in the title) finds confidential callers.
    search_fields = ["number"]
    exclude = [*PERSONAL_FIELDS, *FREE_TEXT_FIELDS]
    readonly_fields = ["masked_title", "masked_content", "masked_address", "masked_reply"]
    date_hierarchy = "created_at"
    inlines = [EventInline]
    list_select_related = ["lead_unit"]
    show_full_result_count = False

    @admin.display(description=_("标题"))
    def masked_title(self, order: WorkOrder) -> str:
        return scrub_text(order.title, name=order.citizen_name)

    @admin.display(description=_("诉求内容"))
    def masked_content(self, order: WorkOrder) -> str:
        return scrub_text(order.content, name=order.citizen_name)

    @admin.display(description=_("地址"))
    def masked_address(self, order: WorkOrder) -> str:
        return scrub_text(order.address, name=order.citizen_name)

    @admin.display(description=_("答复内容"))
    def masked_reply(self, order: WorkOrder) -> str:
        return scrub_text(order.reply_text or order.answer_text, name=order.citizen_name)


@admin.register(SupervisionNotice)
class SupervisionNoticeAdmin(ReadOnlyAdmin):
    list_display = ["order", "stage", "level", "due_at", "created_at"]
    list_filter = ["stage", "level"]
