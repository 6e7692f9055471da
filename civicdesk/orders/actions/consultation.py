"""疑难件会商 (joint consultation on a difficult order).

An order that bounced between units (WorkOrder.bounce_count, counted at dispatch), or that
the hub marked difficult, goes to a consultation: the hub convenes the units concerned,
each states its view by a deadline in working time, and the hub's decision fixes the lead
and assisting units. The decision binds those units: they can no longer return the order
(request_return checks it, civicdesk.orders.actions.dispatching).

Each convened unit holds an Assignment of role CONSULT while the consultation is open; its
view is the assignment's part (part_text / part_given_at, due at part_due_at), so the
convened units see the order and the same store keeps it live and in the demo's bulk load.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from civicdesk.orders import clock, joint
from civicdesk.orders.actions.base import DATABASE, OrderRef, Store, check_move, record, require_text
from civicdesk.orders.actions.dispatching import _send_to_units, _validate_units
from civicdesk.orders.actions.sweeping import each_held
from civicdesk.orders.errors import InvalidInput
from civicdesk.orders.halfdays import half_days
from civicdesk.orders.models import Assignment, AssignmentRole, OrderEvent, WorkOrder
from civicdesk.orders.workflow import State
from civicdesk.org.models import OrgUnit, User
from civicdesk.worktime.limits import work_calendar

# Working days the convened units have for their views unless the hub gives another number.
VIEW_DAYS = 2
VIEW_DAYS_MAX = 10
CONVENED_MAX = 10


def clean_view_days(value: object, field: str = "days") -> float:
    """Working days for the views: empty for the default, else 0.5 to VIEW_DAYS_MAX in half days."""
    if value in (None, ""):
        return float(VIEW_DAYS)
    days = half_days(value, VIEW_DAYS_MAX)
    if days is None:
        message = _("会商意见时限须为 0.5 至 %(n)s 个工作日（以半天为单位）。") % {"n": VIEW_DAYS_MAX}
        raise InvalidInput(message, fields={field: message})
    return days


def _validate_convened(order: WorkOrder, convened: list[OrgUnit]) -> None:
    problems = []
    for member in convened:
        if not member.active:
            problems.append(_("%(unit)s 已停用") % {"unit": member.name})
        elif member.pk == order.hub_id or not member.path.startswith(order.hub.path):
            problems.append(_("%(unit)s 不是本中心的承办单位") % {"unit": member.name})
    if len({m.pk for m in convened}) != len(convened):
        problems.append(_("参加会商的单位有重复"))
    if problems:
        message = "；".join(problems) + "。"
        raise InvalidInput(message, fields={"units": message})


def consult_assignments(store: Store, order: WorkOrder) -> list[Assignment]:
    return [a for a in store.active_assignments(order) if a.role == AssignmentRole.CONSULT]


def mark_difficult(
    order: OrderRef, *, actor: User, reason: str, expected_version: int | None = None, store: Store = DATABASE
) -> WorkOrder:
    """The hub marks the order a difficult case (疑难件), so it may be consulted on."""
    text = require_text(reason, "reason", _("请说明疑难原因。"))
    with store.locked(order, expected_version) as o:
        _side, unit = check_move(o, "mark_difficult", actor, store=store)
        if o.difficult:
            raise InvalidInput(_("工单 %(number)s 已标记为疑难件。") % {"number": o.number})
        o.difficult = True
        record(o, "mark_difficult", actor, store=store, acting_unit=unit, note=text)
    return o


def convene_consultation(
    order: OrderRef,
    *,
    actor: User,
    units: Iterable[OrgUnit],
    reason: str,
    days: float | str | None = None,
    expected_version: int | None = None,
    store: Store = DATABASE,
) -> WorkOrder:
    """The hub calls the units concerned to a consultation (发起会商): the order leaves the
    unit holding it and each convened unit owes its view within `days` working days."""
    text = require_text(reason, "reason", _("请填写会商事由。"))
    view_days = clean_view_days(days)
    convened = list(units)
    with store.locked(order, expected_version) as o:
        _side, unit = check_move(o, "convene_consultation", actor, store=store)
        if o.bounce_count < 1 and not o.difficult:
            raise InvalidInput(
                _("工单 %(number)s 未在单位间往返，也未标记为疑难件，不能发起会商；如确属疑难，请先标记疑难件。")
                % {"number": o.number}
            )
        if len(convened) < 2 or len(convened) > CONVENED_MAX:
            message = _("请选择 2 至 %(n)s 个参加会商的单位。") % {"n": CONVENED_MAX}
            raise InvalidInput(message, fields={"units": message})
        _validate_convened(o, convened)
        now = clock.now()
        due = work_calendar().add_working_days(now, view_days)
        held_by = [a.unit_id for a in store.active_assignments(o)]
        store.end_assignments(o, now, "consulting")
        for member in convened:
            store.add_assignment(
                Assignment(order=o, unit=member, role=AssignmentRole.CONSULT, dispatched_at=now, part_due_at=due)
            )
        o.resume_state = ""
        record(
            o,
            "convene_consultation",
            actor,
            store=store,
            to_state=State.CONSULTING,
            acting_unit=unit,
            note=text,
            data={
                "units": [m.pk for m in convened],
                "days": view_days,
                "due_at": due.isoformat(),
                "held_by": held_by,
                "bounces": o.bounce_count,
            },
        )
    return o


def give_view(
    order: OrderRef, *, actor: User, text: str, expected_version: int | None = None, store: Store = DATABASE
) -> WorkOrder:
    """A convened unit states its view (提交会商意见): whose matter it is, and why."""
    body = require_text(text, "text", _("请填写会商意见。"), max_length=5000)
    with store.locked(order, expected_version) as o:
        _side, unit = check_move(o, "give_view", actor, store=store)
        mine = [a for a in consult_assignments(store, o) if unit is not None and a.unit_id == unit.pk]
        seat = mine[0]
        if seat.part_given_at is not None:
            raise InvalidInput(_("%(unit)s 已提交会商意见。") % {"unit": seat.unit.name})
        now = clock.now()
        seat.signed_at = seat.signed_at or now
        seat.part_text = body
        seat.part_given_at = now
        store.save_assignment(seat, ["signed_at", "part_text", "part_given_at"])
        missing = [a for a in consult_assignments(store, o) if a.part_given_at is None]
        record(
            o,
            "give_view",
            actor,
            store=store,
            acting_unit=unit,
            note=body,
            data={
                "unit": seat.unit_id,
                "on_time": seat.part_due_at is None or now <= seat.part_due_at,
                "all_views_in": not missing,
            },
        )
    return o


def decide_consultation(
    order: OrderRef,
    *,
    actor: User,
    lead_unit: OrgUnit,
    assisting_units: Iterable[OrgUnit] = (),
    decision: str,
    part_days: float | str | None = None,
    expected_version: int | None = None,
    store: Store = DATABASE,
) -> WorkOrder:
    """The hub decides (会商决定): the lead and assisting units it names get the order with
    a fresh handling deadline, and the decision binds them — they cannot return it. The hub
    decides once every view is in, or once their deadline has passed."""
    text = require_text(decision, "decision", _("请填写会商决定。"), max_length=5000)
    days = joint.clean_part_days(part_days)
    assisting = list(assisting_units)
    with store.locked(order, expected_version) as o:
        _side, unit = check_move(o, "decide_consultation", actor, store=store)
        seats = consult_assignments(store, o)
        now = clock.now()
        missing = [a for a in seats if a.part_given_at is None]
        due = max((a.part_due_at for a in seats if a.part_due_at is not None), default=None)
        if missing and due is not None and now <= due:
            names = "、".join(a.unit.name for a in missing)
            raise InvalidInput(
                _("%(units)s 尚未提交会商意见；意见齐全或 %(due)s 时限届满后才能作出决定。")
                % {"units": names, "due": timezone.localtime(due).strftime("%Y-%m-%d %H:%M")}
            )
        _validate_units(o, lead_unit, assisting, store=store)
        sent = _send_to_units(store, o, lead_unit, assisting, now, end_reason="consulted", part_days=days)
        data: dict[str, Any] = {
            **sent,
            "units": [a.unit_id for a in seats],
            "views_missing": [a.unit_id for a in missing],
            "binding": True,
        }
        record(
            o,
            "decide_consultation",
            actor,
            store=store,
            to_state=State.DISPATCHED,
            acting_unit=unit,
            note=text,
            data=data,
        )
    return o


def remind_view(
    order: OrderRef,
    *,
    unit: OrgUnit,
    actor: User | None = None,
    expected_version: int | None = None,
    store: Store = DATABASE,
) -> WorkOrder:
    """The sweep's reminder to a convened unit whose view falls due soon (会商意见到期提醒):
    its handlers and heads hear of it in their inbox (civicdesk.notifications)."""
    with store.locked(order, expected_version) as o:
        check_move(o, "remind_view", actor, store=store)
        seat = next((a for a in consult_assignments(store, o) if a.unit_id == unit.pk), None)
        if seat is None or seat.part_given_at is not None:
            raise InvalidInput(_("%(unit)s 没有待提交的会商意见。") % {"unit": unit.name})
        due = seat.part_due_at
        record(
            o,
            "remind_view",
            actor,
            store=store,
            # In the center's time whichever store read the seat (the database gives UTC back).
            data={"unit": unit.pk, "units": [unit.pk], "due_at": timezone.localtime(due).isoformat() if due else None},
        )
    return o


def _reminded(order_ids: Iterable[int]) -> set[tuple[int, int, datetime]]:
    """(order, unit, moment) of every reminder already sent on these orders."""
    rows = OrderEvent.objects.filter(order_id__in=list(order_ids), action="remind_view").values_list(
        "order_id", "data", "at"
    )
    return {(order_id, data["unit"], at) for order_id, data, at in rows if isinstance(data, dict) and "unit" in data}


def _seats_to_remind(now: datetime, batch: int, order_id: int | None = None) -> list[Assignment]:
    """The open consultation seats without a view that fall due within the reminder time and
    were not reminded since they were convened (a seat of a later consultation is a new view)."""
    lead = settings.CIVICDESK_CONSULTATION_REMIND_HALF_DAYS / 2
    soon = work_calendar().add_working_days(now, lead)
    seats = Assignment.objects.filter(
        role=AssignmentRole.CONSULT,
        active=True,
        part_given_at__isnull=True,
        part_due_at__gt=now,
        part_due_at__lte=soon,
        order__state=State.CONSULTING,
    ).order_by("part_due_at", "pk")
    if order_id is not None:
        seats = seats.filter(order_id=order_id)
    found = list(seats.select_related("unit")[: batch * 2])
    sent = _reminded({s.order_id for s in found})
    return [
        s for s in found if not any(o == s.order_id and u == s.unit_id and at >= s.dispatched_at for o, u, at in sent)
    ][:batch]


def run_view_reminders(now: datetime | None = None, batch: int = 500) -> int:
    """One pass of the sweep: remind each convened unit once, before its view falls due;
    returns how many reminders it sent. Orders another worker holds are left for the next round."""
    now = now or clock.now()

    def remind_due_seats(order_id: int) -> int:
        seats = _seats_to_remind(now, batch, order_id=order_id)  # again, under the lock
        for seat in seats:
            remind_view(WorkOrder.objects.get(pk=order_id), unit=seat.unit)
        return len(seats)

    return each_held(sorted({s.order_id for s in _seats_to_remind(now, batch)}), now, remind_due_seats)
