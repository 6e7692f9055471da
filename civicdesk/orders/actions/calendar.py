"""Deadlines follow the working calendar: when an admin changes it (one day, a pasted State
Council notice, an imported table), the open orders whose running deadlines reach a changed
day get them recomputed, each with one event saying why.

It runs inside the transaction that saves the calendar (civicdesk.worktime.schedule sends
`schedule_changed`; OrdersConfig.ready connects it here), so either both happen or neither.
The events are ordinary OrderEvents: the statistics rollup sweep takes every order with a new
event in again, so the figures counted by deadline day follow without a rebuild.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from civicdesk.lib.worktime import WorkCalendar
from civicdesk.orders import clock, deadlines
from civicdesk.orders.actions.base import check_move, locked_order, record
from civicdesk.orders.models import Assignment, WorkOrder
from civicdesk.orders.workflow import WITH_UNIT, State
from civicdesk.org.models import User
from civicdesk.worktime.limits import work_calendar

ACTION = "follow_calendar"


def _candidates(since: datetime) -> list[int]:
    """Orders with a running deadline at or after `since` (the deadline columns are indexed)."""
    with_unit = sorted(WITH_UNIT)
    orders = WorkOrder.objects.filter(
        Q(state__in=with_unit, handle_due_at__gte=since)
        | Q(state=State.DISPATCHED, sign_due_at__gte=since)
        | Q(state__in=[State.DISPATCHED, State.SIGNED], return_due_at__gte=since)
        | Q(state=State.AWAITING_CALLBACK, callback_due_at__gte=since)
    ).values_list("pk", flat=True)
    parts = Assignment.objects.filter(
        Q(part_due_at__gte=since) | Q(signed_at__isnull=True, sign_due_at__gte=since),
        active=True,
        order__state__in=with_unit,
    ).values_list("order_id", flat=True)
    return sorted(set(orders) | set(parts))


def follow_calendar(
    days: set[date], before: WorkCalendar, *, actor: User | None, reason: str, after: WorkCalendar | None = None
) -> int:
    """Recompute the running deadlines of the open orders that depend on `days` (whose working
    status changed; `before` is the calendar as it was). One event per order that moved, by
    `actor` (the admin who changed the calendar), noting `reason`. Returns how many moved."""
    if not days:
        return 0
    after = after or work_calendar(fresh=True)
    tz = ZoneInfo(settings.TIME_ZONE)
    first = datetime.combine(min(days), time(), tzinfo=tz)
    # Working time already spent is history: a changed day in the past moves nothing, and a
    # change of today counts from now on.
    anchor = max(first, clock.now())
    changed_days = sorted(days)
    moved_orders = 0
    for order_id in _candidates(anchor):
        with locked_order(order_id) as order:
            if order.state not in deadlines.FOLLOWED_STATES:
                continue
            moved = deadlines.follow_calendar(order, before, after, anchor)
            if not moved:
                continue
            check_move(order, ACTION, None)
            record(order, ACTION, actor, note=reason, data=_data(moved, changed_days))
            moved_orders += 1
    return moved_orders


def _data(moved: dict[str, tuple[datetime, datetime]], days: list[date]) -> dict[str, Any]:
    return {
        "moved": {
            field: [timezone.localtime(old).isoformat(), timezone.localtime(new).isoformat()]
            for field, (old, new) in moved.items()
        },
        # The first few changed days, enough to say why; the reason names the whole change.
        "days": [f"{day:%Y-%m-%d}" for day in days[:10]],
        "day_count": len(days),
    }


def on_schedule_changed(
    sender: Any, *, days: set[date], before: WorkCalendar, actor: User | None, reason: str, **kwargs: Any
) -> int:
    return follow_calendar(days, before, actor=actor, reason=reason)
