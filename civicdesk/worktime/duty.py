"""The duty roster (值班安排) on non-working days: who is on duty, and where no one is.

How arriving orders reach the people on duty (decided for 周末不打烊):

- An order taken on a non-working day is announced (an inbox message through the outbox)
  to the hub's staff on duty that day; an order dispatched or passed down on such a day is
  announced to the receiving unit's staff on duty as well (civicdesk.notifications.queue,
  audience ON_DUTY).
- The home page of a person on duty lists, first, the orders that arrived at their unit
  since the start of the non-working stretch (civicdesk.orders.queues.on_duty_orders).
- Normal orders keep counting working time only, so one dispatched on a Saturday is due as
  if it had arrived on Monday morning. Urgent and emergency orders run on the 7×24 clock
  (civicdesk.worktime.limits.round_the_clock): the unit's person on duty is told the clock
  deadline, and if the unit has no one on duty, the hub's dispatcher on duty is warned to
  phone it (civicdesk.notifications.queue.duty_gap_warning).

Coverage: every upcoming non-working day (next CIVICDESK_DUTY_WARN_DAYS days, 30 by
default) on which the hub, or a unit that takes orders (a department or town directly
under the hub), has no one on duty is a warning on the home page of admins and hub
dispatchers, and the worker's `duty_coverage` sweep sends them one inbox-style notice per
uncovered day ahead of time (see civicdesk.worktime.duty_notices).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.utils import timezone

from civicdesk.org.models import OrgUnit, Role, UnitKind, User
from civicdesk.worktime.limits import work_calendar
from civicdesk.worktime.models import DutyGapNotice, DutyShift

logger = logging.getLogger("civicdesk.worktime")

# Units that take orders from the hub and so must be covered: its direct departments and towns.
_COVERED_KINDS = (UnitKind.DEPARTMENT, UnitKind.TOWN)


def warn_days() -> int:
    return int(getattr(settings, "CIVICDESK_DUTY_WARN_DAYS", 30))


def covers(shift: DutyShift, moment: datetime) -> bool:
    """Whether the shift has its person on duty at `moment`: a shift without times covers its
    whole day; a timed one runs from `starts` to `ends`, into the next day when `ends` is not
    after `starts` (a night shift)."""
    local = timezone.localtime(moment)
    day, clock = local.date(), local.time()
    if shift.starts is None or shift.ends is None:
        return shift.day == day
    if shift.ends > shift.starts:
        return shift.day == day and shift.starts <= clock < shift.ends
    # Across midnight: the evening of its day and the morning after.
    return (shift.day == day and clock >= shift.starts) or (shift.day == day - timedelta(1) and clock < shift.ends)


def on_duty_ids(unit_ids: Iterable[int], at: date | datetime) -> set[int]:
    """The people on duty for those units at the moment `at`, by the day-off roster and the
    seat shifts of working days alike (a weeknight's night shift too); given a date, anyone
    with a shift of that day (the day-off roster's question: is the day covered at all)."""
    if not isinstance(at, datetime):
        ids = [u for u in unit_ids if u]
        shifts = DutyShift.objects.filter(day=at, unit_id__in=ids, user__is_active=True)
        return set(shifts.values_list("user_id", flat=True)) if ids else set()
    return on_duty_in(shifts_around(unit_ids, timezone.localdate(at)), at)


def shifts_around(unit_ids: Iterable[int], day: date) -> list[DutyShift]:
    """The shifts of those units that may cover a moment of `day`: that day's and the night
    shifts of the day before (one query a day, which the outbox's directory keeps)."""
    ids = [u for u in unit_ids if u]
    if not ids:
        return []
    return list(
        DutyShift.objects.filter(day__in=(day, day - timedelta(1)), unit_id__in=ids, user__is_active=True).only(
            "day", "starts", "ends", "user_id"
        )
    )


def on_duty_in(shifts: Iterable[DutyShift], moment: datetime) -> set[int]:
    return {shift.user_id for shift in shifts if covers(shift, moment)}


def in_office_hours(moment: datetime) -> bool:
    """Between the first opening and the last closing of a working day (the lunch break
    counts: the center is staffed), when everyone is at their desk and no duty roster needs to
    be told; outside them (nights, days off) the people on duty are."""
    periods = work_calendar().periods_on(timezone.localdate(moment))
    return bool(periods) and periods[0][0] <= moment < periods[-1][1]


def planned_per_hour(shifts: Iterable[DutyShift], day: date) -> list[int]:
    """How many of these shifts have someone on duty in each hour of `day` (at the hour's
    middle), the previous evening's night shifts included."""
    rows = list(shifts)
    counts = []
    for hour in range(24):
        moment = timezone.make_aware(datetime.combine(day, time(hour, 30)))
        counts.append(sum(1 for shift in rows if covers(shift, moment)))
    return counts


def non_working_days(start: date, days: int) -> list[date]:
    calendar = work_calendar()
    return [start + timedelta(n) for n in range(days) if not calendar.is_workday(start + timedelta(n))]


def covered_units(hub: OrgUnit) -> list[OrgUnit]:
    """The hub itself and the order-taking units right under it."""
    children = OrgUnit.objects.filter(parent=hub, active=True, kind__in=_COVERED_KINDS).order_by("path")
    return [hub, *children]


@dataclass
class Gap:
    day: date
    hub: OrgUnit
    units: list[OrgUnit] = field(default_factory=list)

    @property
    def hub_uncovered(self) -> bool:
        return any(u.pk == self.hub.pk for u in self.units)


def coverage_gaps(hubs: Iterable[OrgUnit], start: date | None = None, days: int | None = None) -> list[Gap]:
    """Upcoming non-working days on which a hub or one of its units has no one on duty."""
    start = start or timezone.localdate()
    days = warn_days() if days is None else days
    free_days = non_working_days(start, days)
    gaps: list[Gap] = []
    if not free_days:
        return gaps
    for hub in hubs:
        units = covered_units(hub)
        staffed = set(
            DutyShift.objects.filter(day__in=free_days, unit__in=units, user__is_active=True).values_list(
                "day", "unit_id"
            )
        )
        for day in free_days:
            missing = [u for u in units if (day, u.pk) not in staffed]
            if missing:
                gaps.append(Gap(day, hub, missing))
    return gaps


def stretch_start(now: datetime) -> datetime | None:
    """The start of the non-working stretch `now` falls in (midnight of its first day), or
    None on a working day."""
    calendar = work_calendar()
    day = timezone.localdate(now)
    if calendar.is_workday(day):
        return None
    for _step in range(60):  # the longest holiday is about a week; never loop for ever
        if calendar.is_workday(day - timedelta(1)):
            break
        day -= timedelta(1)
    return timezone.make_aware(datetime.combine(day, datetime.min.time()))


def gaps_for(user: object) -> list[Gap]:
    """The coverage warnings a person sees on their home page: admins and hub dispatchers,
    for their hubs."""
    if not isinstance(user, User) or not user.is_active:
        return []
    hubs: dict[int, OrgUnit] = {}
    for unit in user.units_with_role(Role.ADMIN, Role.DISPATCHER):
        hub = unit if unit.is_hub else unit.hub()
        if hub is not None:
            hubs[hub.pk] = hub
    return coverage_gaps(sorted(hubs.values(), key=lambda h: h.path)) if hubs else []


def run_duty_coverage() -> int:
    """The worker's sweep: each uncovered (day, unit) in the warning window is noticed once,
    in the worker's log (and recorded as a DutyGapNotice); returns how many are new."""
    hubs = list(OrgUnit.objects.filter(is_hub=True, active=True).order_by("path"))
    rows = [
        DutyGapNotice(day=gap.day, unit=unit, noticed_at=timezone.now())
        for gap in coverage_gaps(hubs)
        for unit in gap.units
    ]
    if not rows:
        return 0
    known = set(DutyGapNotice.objects.filter(day__in={r.day for r in rows}).values_list("day", "unit_id"))
    fresh = [r for r in rows if (r.day, r.unit_id) not in known]
    created = DutyGapNotice.objects.bulk_create(fresh, ignore_conflicts=True)
    for row in fresh:
        logger.warning("值班缺口：%s %s 无人值班，请管理员排班", f"{row.day:%Y-%m-%d}", row.unit.name)
    return len(created)


# Who may open the duty roster: the hub's admins, dispatchers and leaders, and unit heads (their unit).
HUB_VIEW = (Role.ADMIN, Role.DISPATCHER, Role.LEADER)


def may_see_roster(user: User) -> bool:
    return bool(user.roles & {*HUB_VIEW, Role.UNIT_HEAD})
