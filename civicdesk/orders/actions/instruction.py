"""领导批示 (a leader's instruction on an order).

A leader of the order's hub (or a hub above it) writes an instruction on an order a unit
holds. It shows on the order and in the unit's inbox; the lead unit must acknowledge it by
a deadline in working time (签收批示), and its reply must say how it carried it out
(civicdesk.orders.actions.handling.reply asks for `instruction_response`). An instruction
not acknowledged in time is escalated once by the worker's sweep (批示超期催办) to the unit's
heads, the hub's supervisors and leaders.

The latest instruction lives on the order row (instructed_at, instruction_due_at, ...);
its text is the note of its event.
"""

from __future__ import annotations

from datetime import datetime

from django.utils.translation import gettext as _

from civicdesk.orders import clock
from civicdesk.orders.actions.base import DATABASE, OrderRef, Store, check_move, record, require_text
from civicdesk.orders.actions.sweeping import each_held
from civicdesk.orders.errors import InvalidInput
from civicdesk.orders.halfdays import half_days
from civicdesk.orders.models import OrderEvent, WorkOrder
from civicdesk.orders.workflow import WITH_UNIT
from civicdesk.org.models import OrgUnit, User
from civicdesk.worktime.limits import work_calendar

# Working days the lead unit has to acknowledge an instruction unless the leader says otherwise.
ACKNOWLEDGE_DAYS = 1
ACKNOWLEDGE_DAYS_MAX = 10
TEXT_MAX = 2000


def current_instruction(order: WorkOrder, events: list[OrderEvent] | None = None) -> OrderEvent | None:
    """The event of the order's latest instruction (its note is the text), if any; from
    `events` (the order's, by seq) where the page has read them."""
    if order.instructed_at is None:
        return None
    if events is not None:
        return next((e for e in reversed(events) if e.action == "instruct"), None)
    return (
        OrderEvent.objects.filter(order=order, action="instruct")
        .select_related("actor", "acting_unit")
        .order_by("-seq")
        .first()
    )


def hub_id(unit: OrgUnit | None) -> int | None:
    if unit is None:
        return None
    hub = unit if unit.is_hub else unit.hub()
    return hub.pk if hub is not None else None


def instructing_hub(store: Store, order: WorkOrder) -> int | None:
    """The hub of the leader who wrote the order's latest instruction (None before it was kept)."""
    last = store.last_event(order, ("instruct",))
    return last[1].get("by_hub") if last is not None else None


def clean_days(value: object, field: str = "days") -> float:
    if value in (None, ""):
        return float(ACKNOWLEDGE_DAYS)
    days = half_days(value, ACKNOWLEDGE_DAYS_MAX)
    if days is None:
        message = _("签收时限须为 0.5 至 %(n)s 个工作日（以半天为单位）。") % {"n": ACKNOWLEDGE_DAYS_MAX}
        raise InvalidInput(message, fields={field: message})
    return days


def instruct(
    order: OrderRef,
    *,
    actor: User,
    text: str,
    days: float | str | None = None,
    expected_version: int | None = None,
    store: Store = DATABASE,
) -> WorkOrder:
    """A leader instructs on the order (领导批示); a later instruction takes the place of an
    earlier one, with a deadline of its own."""
    body = require_text(text, "text", _("请填写批示内容。"), max_length=TEXT_MAX)
    ack_days = clean_days(days)
    with store.locked(order, expected_version) as o:
        _side, unit = check_move(o, "instruct", actor, store=store)
        now = clock.now()
        due = work_calendar().add_working_days(now, ack_days)
        o.instructed_at = now
        o.instruction_due_at = due
        o.instruction_acknowledged_at = None
        o.instruction_escalated_at = None
        o.instruction_answered_at = None
        record(
            o,
            "instruct",
            actor,
            store=store,
            acting_unit=unit,
            note=body,
            # by_hub: the hub of the leader who wrote it (a prefecture's leader on a county's
            # order), told of its acknowledgement and of its escalation.
            data={"due_at": due.isoformat(), "days": ack_days, "unit": o.lead_unit_id, "by_hub": hub_id(unit)},
        )
    return o


def acknowledge_instruction(
    order: OrderRef, *, actor: User, expected_version: int | None = None, store: Store = DATABASE
) -> WorkOrder:
    """The lead unit confirms it has read the instruction and will carry it out (签收批示)."""
    with store.locked(order, expected_version) as o:
        _side, unit = check_move(o, "acknowledge_instruction", actor, store=store)
        if o.instructed_at is None or o.instruction_acknowledged_at is not None:
            raise InvalidInput(_("工单 %(number)s 没有待签收的领导批示。") % {"number": o.number})
        now = clock.now()
        o.instruction_acknowledged_at = now
        on_time = o.instruction_due_at is None or now <= o.instruction_due_at
        record(
            o,
            "acknowledge_instruction",
            actor,
            store=store,
            acting_unit=unit,
            data={"on_time": on_time, "unit": o.lead_unit_id, "by_hub": instructing_hub(store, o)},
        )
    return o


def escalate_instruction(
    order: OrderRef, *, actor: User | None = None, expected_version: int | None = None, store: Store = DATABASE
) -> WorkOrder:
    """The sweep's escalation of an instruction not acknowledged by its deadline (批示超期催办),
    once per instruction. Refuses an order whose instruction is not overdue."""
    with store.locked(order, expected_version) as o:
        check_move(o, "escalate_instruction", actor, store=store)
        now = clock.now()
        if not _overdue(o, now):
            raise InvalidInput(_("工单 %(number)s 没有超期未签收的领导批示。") % {"number": o.number})
        o.instruction_escalated_at = now
        due = o.instruction_due_at
        record(
            o,
            "escalate_instruction",
            actor,
            store=store,
            data={
                "due_at": due.isoformat() if due else None,
                "unit": o.lead_unit_id,
                "by_hub": instructing_hub(store, o),
            },
        )
    return o


def _overdue(order: WorkOrder, now: datetime) -> bool:
    return (
        order.instructed_at is not None
        and order.instruction_acknowledged_at is None
        and order.instruction_escalated_at is None
        and order.instruction_due_at is not None
        and now > order.instruction_due_at
        and order.state in WITH_UNIT
    )


def run_instruction_watch(now: datetime | None = None, batch: int = 500) -> int:
    """One pass of the sweep: escalate each overdue, unacknowledged instruction once; returns
    how many. Orders another worker holds at the moment are left for the next round."""
    now = now or clock.now()
    ids = list(
        WorkOrder.objects.filter(
            state__in=sorted(WITH_UNIT),
            instructed_at__isnull=False,
            instruction_acknowledged_at__isnull=True,
            instruction_escalated_at__isnull=True,
            instruction_due_at__lt=now,
        )
        .order_by("instruction_due_at")
        .values_list("pk", flat=True)[:batch]
    )

    def escalate_if_overdue(order_id: int) -> int:
        current = WorkOrder.objects.get(pk=order_id)
        if not _overdue(current, now):
            return 0  # acknowledged or escalated meanwhile
        escalate_instruction(current)
        return 1

    return each_held(ids, now, escalate_if_overdue)
