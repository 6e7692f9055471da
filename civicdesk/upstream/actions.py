"""What happens to the upstream platform's messages: an administrator sends a failed report
to the platform again (after fixing its address, say), recorded as a DeliveryAttempt naming
the person, like every step of a message; and the platform's own moves on its orders are
made here (apply_platform_move)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from civicdesk.notifications.models import DeliveryAttempt, DeliveryStatus, Medium, OutboxMessage
from civicdesk.orders import actions as orders
from civicdesk.orders.actions.urging import Via
from civicdesk.orders.errors import InvalidInput, InvalidTransition, PermissionDenied
from civicdesk.orders.models import OrderEvent, WorkOrder
from civicdesk.org.models import Role, User

REQUEUEABLE = (DeliveryStatus.FAILED, DeliveryStatus.UNKNOWN)


@dataclass(frozen=True)
class Applied:
    order: WorkOrder
    applied: bool  # False: this message was applied before (a repeat)


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


# The upstream platform's own moves on an order it sent us, applied here as the same moves
# (civicdesk.upstream.remote.FOLLOWED_DOWN is what a CivicDesk above us sends).
PLATFORM_MOVES = ("void", "withdraw", "supplement", "urge", "supervise", "record_callback", "close_without_callback")


def apply_platform_move(
    order: WorkOrder, *, kind: str, key: str, note: str, attachments: int = 0, callback: dict[str, Any] | None = None
) -> Applied:
    """Make the platform's move `kind` on its order here, once per idempotency key `key`:
    a second delivery of the same message finds the first's event and changes nothing. The
    move is the local one (the units holding the order hear of it as of any), made by the
    system side on the platform's word; it is not reported back up (reports.queue_report)."""
    with transaction.atomic():
        # Two deliveries at once: the second waits here, then finds the first's event.
        locked = WorkOrder.objects.select_for_update(of=("self",)).get(pk=order.pk)
        if OrderEvent.objects.filter(order=locked, data__platform_key=key).exists():
            return Applied(locked, False)
        if kind == "void":
            done = orders.void(locked, actor=None, reason=note or _("上级平台作废。"), platform_key=key)
        elif kind == "withdraw":
            reason = note or _("来电人在上级平台撤销诉求。")
            done = orders.withdraw(locked, actor=None, reason=reason, via="upstream", platform_key=key)
        elif kind == "supplement":
            if attachments:
                note = (
                    note + "\n" + _("（上级平台另有附件 %(n)s 个，请到上级平台查看。）") % {"n": attachments}
                ).strip()
            done = orders.supplement(locked, actor=None, text=note, platform_key=key)
        elif kind == "urge":
            done = orders.urge(locked, actor=None, via=Via.API, note=note, platform_key=key)
        elif kind == "supervise":
            done = orders.supervise(locked, actor=None, note=note or _("上级平台督办。"), platform_key=key)
        elif kind in ("record_callback", "close_without_callback") and not locked.callback_upper:
            message = _("该工单由本中心回访，上级平台不能代为回访或免回访办结。")
            raise InvalidInput(message, fields={"kind": message})
        elif kind == "record_callback":
            # The platform called the citizen back (it does, for this order): what they said.
            said = callback or {}
            done = orders.record_callback(
                locked,
                actor=None,
                solved=str(said.get("solved") or ""),
                satisfaction=str(said.get("satisfaction") or ""),
                comment=note,
                rework=said.get("rework") is True,
                via=str(said.get("via") or "phone"),
                platform_key=key,
            )
        elif kind == "close_without_callback":
            reason = note or _("上级平台免回访办结。")
            done = orders.close_without_callback(locked, actor=None, reason=reason, platform_key=key)
        else:
            message = _("不支持的上级平台操作：%(kind)s。") % {"kind": kind}
            raise InvalidInput(message, fields={"kind": message})
    return Applied(done, True)
