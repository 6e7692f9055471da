from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civicdesk.lib.masking import mask_phone
from civicdesk.notifications import actions
from civicdesk.notifications.models import DeliveryAttempt, DeliveryStatus, Medium, OutboxMessage
from civicdesk.org.web import current_user


class DeliveryAttemptInline(admin.TabularInline):
    model = DeliveryAttempt
    extra = 0
    can_delete = False
    readonly_fields = ["at", "worker", "ok", "error", "response"]

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    # A citizen's SMS goes to their phone: like the rest of the admin (orders.admin), the
    # number is masked here and never searched; the console shows callers by role.
    list_display = ["created_at", "medium", "user", "masked_address", "status", "attempt_count", "text"]
    list_filter = ["medium", "status"]
    exclude = ["address"]
    readonly_fields = [*(f.name for f in OutboxMessage._meta.fields if f.name != "address"), "masked_address"]
    inlines = [DeliveryAttemptInline]
    actions = ["requeue", "mark_sent"]

    @admin.action(description="重新发送（已核实未送达）")
    def requeue(self, request: HttpRequest, queryset: QuerySet[OutboxMessage]) -> None:
        # A failed message has no doubt about it; an unknown one is settled like on the console page.
        queryset.filter(status=DeliveryStatus.FAILED).update(
            status=DeliveryStatus.PENDING, next_attempt_at=timezone.now(), attempt_count=0, handed_at=None
        )
        for pk in queryset.filter(status=DeliveryStatus.UNKNOWN).values_list("pk", flat=True):
            actions.send_again(pk, by=current_user(request))

    @admin.action(description="标记为已发送（已核实送达）")
    def mark_sent(self, request: HttpRequest, queryset: QuerySet[OutboxMessage]) -> None:
        for pk in queryset.filter(status=DeliveryStatus.UNKNOWN).values_list("pk", flat=True):
            actions.mark_sent(pk, by=current_user(request))

    @admin.display(description=_("收件地址"))
    def masked_address(self, message: OutboxMessage) -> str:
        return mask_phone(message.address) if message.medium == Medium.SMS else message.address
