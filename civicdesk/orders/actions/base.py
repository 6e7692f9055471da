"""The one way an order changes: lock it, check the move and the right, change it,
append one event, announce it (civicdesk.orders.reactions: the outbox rows and the other
in-transaction reactions) — all in one transaction."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from civicdesk.orders import clock
from civicdesk.orders.errors import ConflictError, InvalidInput, InvalidTransition
from civicdesk.orders.models import Assignment, OrderEvent, WorkOrder
from civicdesk.orders.permissions import authorize
from civicdesk.orders.reactions import move_recorded
from civicdesk.orders.workflow import MOVES, Side, State
from civicdesk.org.models import OrgUnit, User

OrderRef = WorkOrder | int


@contextmanager
def locked_order(order: OrderRef, expected_version: int | None = None) -> Iterator[WorkOrder]:
    """Open a transaction holding the order's row lock.

    A second person acting at the same moment waits here, then sees the first one's
    result: if they acted on what is now a stale version, they get a ConflictError.
    """
    order_id = order.pk if isinstance(order, WorkOrder) else order
    with transaction.atomic():
        try:
            current = (
                WorkOrder.objects.select_for_update(of=("self",))
                .select_related("hub", "lead_unit", "category", "owner")
                .get(pk=order_id)
            )
        except WorkOrder.DoesNotExist:
            raise InvalidInput(_("工单不存在。")) from None
        if expected_version is not None and current.version != expected_version:
            raise ConflictError(
                _("工单 %(number)s 刚被他人处理过（当前状态：%(state)s），请查看最新情况后再操作。")
                % {"number": current.number, "state": current.get_state_display()}
            )
        # One moment for the whole move, taken after the lock was granted: the event and
        # every time the move sets on the order (signed_at, closed_at, ...) agree exactly.
        with clock.running_at(clock.now()):
            yield current


def check_move(order: WorkOrder, action: str, actor: User | None) -> tuple[Side, OrgUnit | None]:
    """The state allows the move and the actor has the right; returns the acting side/unit."""
    move = MOVES[action]
    if order.state not in move.sources:
        raise InvalidTransition(
            _("工单 %(number)s 当前状态为“%(state)s”，不能%(action)s。")
            % {"number": order.number, "state": order.get_state_display(), "action": move.label}
        )
    return authorize(actor, order, action)


def record(
    order: WorkOrder,
    action: str,
    actor: User | None,
    *,
    to_state: str | None = None,
    acting_unit: OrgUnit | None = None,
    note: str = "",
    data: dict[str, Any] | None = None,
) -> OrderEvent:
    """Apply the move to the (locked, already changed) order and append its event."""
    move = MOVES[action]
    source = order.state
    target = source if to_state is None else to_state
    if not move.allows(source, target):
        raise InvalidTransition(
            _("不能从“%(source)s”%(action)s到“%(target)s”。")
            % {"source": State(source).label, "action": move.label, "target": State(target).label}
        )
    at = clock.now()
    if target == State.CLOSED and source != State.CLOSED:
        # A closed order no longer sits with any unit: their parts end with it.
        Assignment.objects.filter(order=order, active=True).update(active=False, ended_at=at, end_reason="closed")
    order.state = target
    return _append(order, action, actor, at=at, source=source, acting_unit=acting_unit, note=note, data=data)


def _append(
    order: WorkOrder,
    action: str,
    actor: User | None,
    *,
    at: Any,
    source: str,
    acting_unit: OrgUnit | None,
    note: str,
    data: dict[str, Any] | None,
) -> OrderEvent:
    order.version += 1
    order.event_count += 1
    order.updated_at = at
    order.save()
    event = OrderEvent.objects.create(
        order=order,
        seq=order.event_count,
        action=action,
        actor=actor,
        acting_unit=acting_unit,
        at=at,
        from_state=source,
        to_state=order.state,
        note=note,
        data=data or {},
    )
    # The apps built on the core react here (outbox rows now, tasks after commit).
    move_recorded(order, event)
    return event


def record_creation(
    order: WorkOrder, actor: User | None, *, acting_unit: OrgUnit | None, data: dict[str, Any]
) -> OrderEvent:
    from civicdesk.orders.workflow import CREATE

    order.state = State.RECEIVED
    return _append(order, CREATE, actor, at=order.created_at, source="", acting_unit=acting_unit, note="", data=data)


def require_text(value: str, field: str, message: str, *, max_length: int = 2000) -> str:
    value = (value or "").strip()
    if not value:
        raise InvalidInput(message, fields={field: message})
    if len(value) > max_length:
        too_long = _("不能超过 %(n)s 个字（现有 %(m)s 个）。") % {"n": max_length, "m": len(value)}
        raise InvalidInput(too_long, fields={field: too_long})
    return value


def optional_text(value: str, field: str, *, max_length: int = 2000) -> str:
    value = (value or "").strip()
    if len(value) > max_length:
        too_long = _("不能超过 %(n)s 个字（现有 %(m)s 个）。") % {"n": max_length, "m": len(value)}
        raise InvalidInput(too_long, fields={field: too_long})
    return value
