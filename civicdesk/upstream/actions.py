"""An administrator sends a failed report to the upstream platform again (after fixing its
address, say). Recorded as a DeliveryAttempt naming the person, like every step of a message."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from civicdesk.notifications.models import DeliveryAttempt, DeliveryStatus, Medium, OutboxMessage
from civicdesk.orders.errors import InvalidTransition, PermissionDenied
from civicdesk.org.models import Role, User

REQUEUEABLE = (DeliveryStatus.FAILED, DeliveryStatus.UNKNOWN)


@transaction.atomic
def requeue_report(message_id: int, *, by: User) -> OutboxMessage:
    if not (by.is_superuser or Role.ADMIN in by.roles):
        raise PermissionDenied(_("只有系统管理员可以重发上级平台回报。"))
    message = OutboxMessage.objects.select_for_update().filter(pk=message_id, medium=Medium.UPSTREAM).first()
    if message is None or message.status not in REQUEUEABLE:
        raise InvalidTransition(_("该回报不在发送失败状态（可能已被他人处理）。"))
    now = timezone.now()
    DeliveryAttempt.objects.create(
        message=message, at=now, worker=f"staff:{by.get_username()}"[:64], ok=False, error="requeued by staff"
    )
    # The same idempotency key: if an earlier try did arrive, the platform drops this one.
    message.status, message.next_attempt_at, message.attempt_count = DeliveryStatus.PENDING, now, 0
    message.handed_at, message.last_error = None, ""
    message.save(update_fields=["status", "next_attempt_at", "attempt_count", "handed_at", "last_error"])
    return message
