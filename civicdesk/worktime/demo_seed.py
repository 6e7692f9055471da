"""Demo seat schedule (坐席排班): the city center's operator groups and two weeks of seat
shifts — an early, a late and a night seat on working days, a day and a night seat on the
days off — and the prefecture center's day-off roster, which staffs the online desk where
the portal's chats land (周末不打烊).

Runs after the day-off roster of the city center (civicdesk.enterprises.demo_seed), which
leaves one day off uncovered on purpose so that the home page shows its warning: seat shifts
on days off are added only where that roster has someone. Idempotent: groups by name,
shifts under the roster's one-shift-per-person-and-day rule.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from civicdesk.org.models import OrgUnit, Role, User
from civicdesk.worktime.duty import covered_units, non_working_days
from civicdesk.worktime.limits import work_calendar
from civicdesk.worktime.models import DutyShift, OperatorGroup

SCHEDULE_DAYS = 14  # this week and the next, from Monday
ROSTER_DAYS = 35  # the prefecture's days off, as far ahead as the city's roster
EARLY, LATE, NIGHT, DAY_OFF = (time(8), time(16)), (time(12), time(20)), (time(20), time(8)), (time(8), time(20))
# The online desk's seat on the prefecture's days off: the chat's usual hours (CIVICDESK_CHAT_HOURS).
CHAT_SEAT = (time(8), time(20))


def _groups(hub: OrgUnit, operators: list[User]) -> tuple[OperatorGroup, OperatorGroup]:
    # The day seats answer the 普通话 queue (the CTI's skill group); the night seat takes every call.
    day, _new = OperatorGroup.objects.get_or_create(hub=hub, name="普通话组", defaults={"queue": "普通话"})
    night, _new = OperatorGroup.objects.get_or_create(
        hub=hub, name="夜班组", defaults={"service_level": 70, "patience_seconds": 90}
    )
    day.members.add(*operators)
    night.members.add(*operators[1:] or operators)
    return day, night


def _seats(hub: OrgUnit, operators: list[User], start: date) -> list[DutyShift]:
    """Three operators rotate over the seats week by week; a day off has a day and a night seat
    (only on the days the hub's day-off roster covers)."""
    day_group, night_group = _groups(hub, operators)
    calendar = work_calendar()
    covered_off = set(
        DutyShift.objects.filter(unit=hub, day__gte=start, day__lt=start + timedelta(SCHEDULE_DAYS)).values_list(
            "day", flat=True
        )
    )
    rows = []
    for n in range(SCHEDULE_DAYS):
        day = start + timedelta(n)
        turn = n // 7
        people = [operators[(turn + k) % len(operators)] for k in range(3)]
        if calendar.is_workday(day):
            plan = [(people[0], EARLY, day_group), (people[1], LATE, day_group), (people[2], NIGHT, night_group)]
        elif day in covered_off:
            plan = [(people[0], DAY_OFF, day_group), (people[2], NIGHT, night_group)]
        else:
            continue
        rows += [
            DutyShift(day=day, unit=hub, user=user, starts=a, ends=b, group=group, note="坐席排班")
            for user, (a, b), group in plan
        ]
    return rows


def _prefecture_roster(city: Any, today: date) -> list[DutyShift]:
    """The prefecture center's days off: its operator on the online desk's seat, its
    dispatcher and each bureau's handler on duty for the day."""
    prefecture: OrgUnit | None = city.prefecture
    operators = city.staff.get(f"prefecture:{Role.OPERATOR}", [])
    dispatchers = city.staff.get(f"prefecture:{Role.DISPATCHER}", [])
    if prefecture is None or not operators:
        return []
    rows = []
    for day in non_working_days(today, ROSTER_DAYS):
        rows += [
            DutyShift(day=day, unit=prefecture, user=u, starts=CHAT_SEAT[0], ends=CHAT_SEAT[1], note="网上咨询坐席")
            for u in operators[:1]
        ]
        rows += [DutyShift(day=day, unit=prefecture, user=u, note="周末值班") for u in dispatchers[:1]]
        for unit in covered_units(prefecture)[1:]:
            rows += [DutyShift(day=day, unit=unit, user=u, note="周末值班") for u in city.handlers_of(unit)[:1]]
    return rows


@transaction.atomic
def seed(city: Any, now: datetime) -> list[str]:
    operators = [u for u in city.staff.get(Role.OPERATOR, []) if u.is_active]
    if not operators:
        return []
    today = timezone.localdate(now)
    start = today - timedelta(days=today.weekday())
    rows = _seats(city.hub, operators, start) + _prefecture_roster(city, today)
    before = DutyShift.objects.count()
    DutyShift.objects.bulk_create(rows, ignore_conflicts=True)
    added = DutyShift.objects.count() - before
    return [
        f"坐席排班：{city.hub.name} 普通话组、夜班组，本周和下周的早、晚、夜班（/intake/staffing 看每小时建议人数）；"
        f"东州市12345 休息日网上咨询与值班排班；新增班次 {added} 个"
    ]
