"""Deadlines of an order, recomputed by the moves that change them.

The clock starts at dispatch: a unit is accountable from the moment the order reaches
it. A re-dispatch starts the new unit's clock afresh; the order's created_at keeps the
citizen's total waiting time for the statistics.
"""

from __future__ import annotations

from datetime import datetime

from civicdesk.lib.worktime import LimitUnit, WorkCalendar, subtract
from civicdesk.orders.models import WorkOrder
from civicdesk.worktime.limits import Limit, resolve_limit, work_calendar
from civicdesk.worktime.models import Stage

# The near-due window is the last fifth of the handling limit, at most one working day.
_WARN_FRACTION = 0.2


def limit(order: WorkOrder, stage: str) -> Limit:
    return resolve_limit(stage, order.request_type, order.urgency, order.category,
                         enterprise=order.enterprise_id is not None)


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


def start_clock(order: WorkOrder, at: datetime) -> None:
    """On dispatch: sign-for, handling and return deadlines run from now."""
    calendar = work_calendar()
    handle = limit(order, Stage.HANDLE)
    sign = limit(order, Stage.SIGN)
    ret = limit(order, Stage.RETURN)
    order.sign_due_at = calendar.add(at, sign.amount, sign.unit)
    order.return_due_at = calendar.add(at, ret.amount, ret.unit)
    _set_handle_due(order, calendar.add(at, handle.amount, handle.unit), handle, calendar)
    order.extension_days = 0  # type: ignore[assignment]
    order.suspended_minutes = 0


def restart_handling(order: WorkOrder, at: datetime) -> None:
    """On rework: the unit gets a fresh handling limit from now."""
    calendar = work_calendar()
    handle = limit(order, Stage.HANDLE)
    _set_handle_due(order, calendar.add(at, handle.amount, handle.unit), handle, calendar)
    order.extension_days = 0  # type: ignore[assignment]


def extend(order: WorkOrder, days: float) -> None:
    assert order.handle_due_at is not None
    calendar = work_calendar()
    handle = limit(order, Stage.HANDLE)
    _set_handle_due(order, calendar.add_working_days(order.handle_due_at, days), handle, calendar)
    order.extension_days = float(order.extension_days) + days  # type: ignore[assignment]


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
        _set_handle_due(order, due, handle, calendar)
    if order.signed_at is None and order.sign_due_at is not None:
        order.sign_due_at = calendar.shift(order.sign_due_at, paused)
    if order.return_due_at is not None and order.return_due_at > paused_from:
        order.return_due_at = calendar.shift(order.return_due_at, paused)
    order.suspended_minutes += paused
    return paused


def start_callback_clock(order: WorkOrder, at: datetime) -> None:
    calendar = work_calendar()
    callback = limit(order, Stage.CALLBACK)
    order.callback_due_at = calendar.add(at, callback.amount, callback.unit)
