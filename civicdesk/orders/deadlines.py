"""Deadlines of an order, recomputed by the moves that change them.

The clock starts at dispatch: a unit is accountable from the moment the order reaches
it. A re-dispatch starts the new unit's clock afresh; the order's created_at keeps the
citizen's total waiting time for the statistics.
"""

from __future__ import annotations

from datetime import datetime

from civicdesk.lib.worktime import LimitUnit, WorkCalendar, subtract
from civicdesk.orders.models import AssignmentRole, WorkOrder
from civicdesk.orders.workflow import WITH_UNIT, State
from civicdesk.worktime.limits import Limit, resolve_limit, work_calendar
from civicdesk.worktime.models import Stage

# The near-due window is the last fifth of the handling limit, at most one working day.
_WARN_FRACTION = 0.2


def limit(order: WorkOrder, stage: str) -> Limit:
    return resolve_limit(
        stage, order.request_type, order.urgency, order.category, enterprise=order.enterprise_id is not None
    )


def warn_window(handle: Limit, calendar: WorkCalendar) -> Limit:
    window = handle.amount * _WARN_FRACTION
    if handle.unit is LimitUnit.WORKING_DAYS:
        return Limit(min(window, 1.0), LimitUnit.WORKING_DAYS)
    return Limit(window, handle.unit)


def _set_handle_due(order: WorkOrder, due: datetime, handle: Limit, calendar: WorkCalendar) -> None:
    order.handle_due_at = due
    window = warn_window(handle, calendar)
    order.handle_warn_at = subtract(calendar, due, window.amount, window.unit)
    order.watch_level = 0


def _capped(order: WorkOrder, due: datetime) -> datetime:
    """Deadlines nest: a lower hub's unit never gets longer than the hub above gave the
    lower hub (order.upper_due_at, set by hand_down)."""
    if order.upper_due_at is not None and due > order.upper_due_at:
        return order.upper_due_at
    return due


def start_clock(order: WorkOrder, at: datetime) -> None:
    """On dispatch: sign-for, handling and return deadlines run from now."""
    calendar = work_calendar()
    handle = limit(order, Stage.HANDLE)
    sign = limit(order, Stage.SIGN)
    ret = limit(order, Stage.RETURN)
    order.sign_due_at = calendar.add(at, sign.amount, sign.unit)
    order.return_due_at = calendar.add(at, ret.amount, ret.unit)
    _set_handle_due(order, _capped(order, calendar.add(at, handle.amount, handle.unit)), handle, calendar)
    order.extension_days = 0
    order.suspended_minutes = 0


def own_handling_days(order: WorkOrder, at: datetime, days: float) -> None:
    """The lead unit's own number of working days from `at`, in place of the handling limit's
    policy: a parallel approval's lead department promises its own time (civicdesk.approvals),
    and is on time or late against it like any unit against its handling deadline."""
    calendar = work_calendar()
    own = Limit(days, LimitUnit.WORKING_DAYS)
    _set_handle_due(order, _capped(order, calendar.add_working_days(at, days)), own, calendar)


def restart_handling(order: WorkOrder, at: datetime, days: float | None = None) -> None:
    """On rework: the unit gets a fresh handling limit from now (its own `days` when the
    dispatch gave it some)."""
    calendar = work_calendar()
    order.extension_days = 0
    if days is not None:
        own_handling_days(order, at, days)
        return
    handle = limit(order, Stage.HANDLE)
    _set_handle_due(order, _capped(order, calendar.add(at, handle.amount, handle.unit)), handle, calendar)


def extended_due(order: WorkOrder, days: float) -> datetime:
    """Where the handling deadline would be after `days` more working days."""
    assert order.handle_due_at is not None
    return work_calendar().add_working_days(order.handle_due_at, days)


def extend(order: WorkOrder, days: float) -> None:
    assert order.handle_due_at is not None
    calendar = work_calendar()
    handle = limit(order, Stage.HANDLE)
    _set_handle_due(order, calendar.add_working_days(order.handle_due_at, days), handle, calendar)
    order.extension_days = float(order.extension_days) + days


def cap_handle_due(order: WorkOrder) -> None:
    """Bring the handling deadline back within the one set above (a new, earlier cap)."""
    if order.handle_due_at is None:
        return
    capped = _capped(order, order.handle_due_at)
    if capped != order.handle_due_at:
        _set_handle_due(order, capped, limit(order, Stage.HANDLE), work_calendar())


def extension_room(order: WorkOrder) -> float:
    """Working days of extension still allowed under the cap."""
    cap = limit(order, Stage.EXTENSION_CAP)
    if cap.unit is LimitUnit.WORKING_DAYS:
        cap_days = cap.amount
    elif cap.unit is LimitUnit.WORKING_HOURS:
        cap_days = cap.amount * 60 / work_calendar().minutes_per_day
    else:
        cap_days = cap.amount / 24
    return max(0.0, cap_days - float(order.extension_days))


def resume_after_pause(order: WorkOrder, paused_from: datetime, at: datetime) -> int:
    """Move every running deadline later by the working time the order was suspended.
    Returns the working minutes paused."""
    calendar = work_calendar()
    paused = round(calendar.working_minutes_between(paused_from, at))
    wall = at - paused_from
    handle = limit(order, Stage.HANDLE)
    if order.handle_due_at is not None:
        if handle.unit is LimitUnit.CALENDAR_HOURS:
            due = order.handle_due_at + wall
        else:
            due = calendar.shift(order.handle_due_at, paused)
        # A pause the lower hub granted does not move the upper hub's deadline.
        _set_handle_due(order, _capped(order, due), handle, calendar)
    if order.signed_at is None and order.sign_due_at is not None:
        if limit(order, Stage.SIGN).unit is LimitUnit.CALENDAR_HOURS:
            order.sign_due_at = order.sign_due_at + wall
        else:
            order.sign_due_at = calendar.shift(order.sign_due_at, paused)
    if order.return_due_at is not None and order.return_due_at > paused_from:
        order.return_due_at = calendar.shift(order.return_due_at, paused)
    order.suspended_minutes += paused
    return paused


def start_callback_clock(order: WorkOrder, at: datetime) -> None:
    calendar = work_calendar()
    callback = limit(order, Stage.CALLBACK)
    order.callback_due_at = calendar.add(at, callback.amount, callback.unit)


# What a calendar change may move, per state: (field, stage of its limit). A deadline already
# judged (a reply against its handling deadline) is history and stays.
_RUNNING: tuple[tuple[str, str, frozenset[str]], ...] = (
    ("sign_due_at", Stage.SIGN, frozenset({State.DISPATCHED})),
    ("handle_due_at", Stage.HANDLE, WITH_UNIT),
    ("return_due_at", Stage.RETURN, frozenset({State.DISPATCHED, State.SIGNED})),
    ("callback_due_at", Stage.CALLBACK, frozenset({State.AWAITING_CALLBACK})),
)
FOLLOWED_STATES = frozenset().union(*(states for _f, _s, states in _RUNNING))


def _follow(due: datetime, before: WorkCalendar, after: WorkCalendar, anchor: datetime) -> datetime:
    """The deadline under the new calendar: the working time it had left at `anchor` (the
    start of the first changed day, or now if later) is kept, so the deadlines come out as if
    the moves that set them had counted with the new calendar."""
    if due <= anchor:
        return due
    minutes = before.working_minutes_between(anchor, due)
    if minutes <= 0:
        return due
    return after.add_working_minutes(anchor, minutes)


def follow_calendar(
    order: WorkOrder, before: WorkCalendar, after: WorkCalendar, anchor: datetime
) -> dict[str, tuple[datetime, datetime]]:
    """Move the running deadlines of `order` (and of its open parts) from the calendar
    `before` to `after`; returns field → (old, new) for those that moved. Limits counted in
    calendar hours do not depend on the calendar and stay."""
    moved: dict[str, tuple[datetime, datetime]] = {}
    for field, stage, states in _RUNNING:
        due: datetime | None = getattr(order, field)
        if due is None or order.state not in states:
            continue
        if field == "sign_due_at" and order.signed_at is not None:
            continue
        if limit(order, stage).unit is LimitUnit.CALENDAR_HOURS:
            continue
        new = _follow(due, before, after, anchor)
        if new == due:
            continue
        moved[field] = (due, new)
        if field == "handle_due_at":
            _set_handle_due(order, new, limit(order, Stage.HANDLE), after)
        else:
            setattr(order, field, new)
    if order.state in WITH_UNIT and limit(order, Stage.SIGN).unit is not LimitUnit.CALENDAR_HOURS:
        # Each unit's own sign-for deadline (the response-rate figures count against it).
        for assignment in order.assignments.filter(active=True, signed_at__isnull=True, sign_due_at__isnull=False):
            assert assignment.sign_due_at is not None
            new = _follow(assignment.sign_due_at, before, after, anchor)
            if new != assignment.sign_due_at:
                moved[f"sign_due_at:{assignment.unit_id}"] = (assignment.sign_due_at, new)
                assignment.sign_due_at = new
                assignment.save(update_fields=["sign_due_at"])
    if order.state in WITH_UNIT:
        part_limit = limit(order, Stage.PART)
        for part in order.assignments.filter(
            active=True, role=AssignmentRole.ASSIST, part_given_at__isnull=True, part_due_at__isnull=False
        ):
            assert part.part_due_at is not None
            if part_limit.unit is LimitUnit.CALENDAR_HOURS:
                continue
            new = _follow(part.part_due_at, before, after, anchor)
            if order.handle_due_at is not None and new > order.handle_due_at:
                new = order.handle_due_at  # never later than the lead's own deadline (joint.part_due)
            if new != part.part_due_at:
                moved[f"part_due_at:{part.unit_id}"] = (part.part_due_at, new)
                part.part_due_at = new
                part.save(update_fields=["part_due_at"])
    return moved


def count_running_from(since: datetime) -> int:
    """Open orders whose handling or callback deadline is at or after `since` (a sign-for or
    return deadline never lies beyond the handling one). Two index range counts."""
    handling = WorkOrder.objects.filter(state__in=sorted(WITH_UNIT), handle_due_at__gte=since).count()
    callbacks = WorkOrder.objects.filter(state=State.AWAITING_CALLBACK, callback_due_at__gte=since).count()
    return handling + callbacks
