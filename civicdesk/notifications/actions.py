"""A person settles a message whose fate the worker could not know ("unknown": the gateway
was called and the worker died or the call failed ambiguously). After checking the gateway's
or mail server's log, an admin either marks it sent or sends it again. Each decision is an
append-only DeliveryAttempt naming the person, like every other step of a message."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from civicdesk.notifications.models import DeliveryAttempt, DeliveryStatus, OutboxMessage
from civicdesk.orders.errors import InvalidTransition, PermissionDenied
from civicdesk.org.models import Role, User

SETTLEABLE = (DeliveryStatus.UNKNOWN,)


def may_settle(user: User) -> bool:
    return bool(user.is_superuser or Role.ADMIN in user.roles)


def _settle(message_id: int, by: User, note: str) -> OutboxMessage:
    if not may_settle(by):
        raise PermissionDenied(_("只有系统管理员可以处理待人工核实的通知。"))
    message = OutboxMessage.objects.select_for_update().filter(pk=message_id).first()
    if message is None or message.status not in SETTLEABLE:
        raise InvalidTransition(_("该通知已不在待人工核实状态（可能已被他人处理）。"))
    DeliveryAttempt.objects.create(
        message=message, at=timezone.now(), worker=f"staff:{by.get_username()}"[:64], ok=False, error=note
    )
    return message


@transaction.atomic
def mark_sent(message_id: int, *, by: User) -> OutboxMessage:
    """Checked in the gateway's log: it did go out."""
    message = _settle(message_id, by, f"marked sent by {by.get_username()} after checking the gateway")
    message.status, message.sent_at, message.last_error = DeliveryStatus.SENT, timezone.now(), ""
    message.save(update_fields=["status", "sent_at", "last_error"])
    return message


@transaction.atomic
def send_again(message_id: int, *, by: User) -> OutboxMessage:
    """Checked in the gateway's log: it did not go out; queue it again with fresh attempts."""
    message = _settle(message_id, by, f"queued again by {by.get_username()} after checking the gateway")
    message.status, message.next_attempt_at = DeliveryStatus.PENDING, timezone.now()
    message.attempt_count, message.handed_at, message.last_error = 0, None, ""
    message.save(update_fields=["status", "next_attempt_at", "attempt_count", "handed_at", "last_error"])
    return message
