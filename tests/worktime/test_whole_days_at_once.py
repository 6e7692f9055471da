"""The working-time arithmetic passes whole days at once (a deadline of ten working days, a
reply months late): it must land exactly where walking every business period lands — to the
microsecond, in the same time zone — over holidays, make-up days, days an admin switched,
moments outside business hours and in other time zones."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from civicdesk.lib.worktime import LimitUnit, WorkCalendar, china_is_workday, subtract, with_overrides
from tests.worktime.helpers import HOURS, SH, at

# An admin made a Saturday a working day and a Wednesday a day off, around the 2025 National Day.
SWITCHED = {date(2025, 10, 11): True, date(2025, 10, 15): False}
CAL = WorkCalendar(HOURS, SH, with_overrides(china_is_workday, SWITCHED))
UTC, BOSTON = ZoneInfo("UTC"), ZoneInfo("America/New_York")
moments = st.builds(
    lambda seconds, zone: (at(2024, 1, 1) + timedelta(seconds=seconds)).astimezone(zone),
    st.integers(0, 3 * 365 * 24 * 3600),
    st.sampled_from([SH, UTC, BOSTON]),
)
# Up to 60 working days, in whole minutes, fractions of a minute and fractions of a day.
minutes = st.one_of(
    st.integers(0, 60 * 450),
    st.floats(0, 60 * 450, allow_nan=False),
    st.integers(0, 120).map(lambda n: n / 3 * 450),
)
props = settings(max_examples=300, deadline=None)


def _walk_add(start: datetime, amount: float) -> datetime:
    """Adding by visiting every business period from `start` on."""
    remaining = timedelta(minutes=amount)
    local = start.astimezone(SH)
    day = local.date()
    while True:
        for period_start, period_end in CAL.periods_on(day):
            if period_end <= local:
                continue
            period_start = max(period_start, local)
            if remaining <= period_end - period_start:
                return period_start + remaining
            remaining -= period_end - period_start
        day += timedelta(days=1)


def _walk_subtract(moment: datetime, amount: float) -> datetime:
    remaining = timedelta(minutes=amount)
    local = moment.astimezone(SH)
    day = local.date()
    while True:
        for period_start, period_end in reversed(CAL.periods_on(day)):
            if period_start >= local:
                continue
            end = min(period_end, local)
            if remaining <= end - period_start:
                return end - remaining
            remaining -= end - period_start
        day -= timedelta(days=1)


def _walk_between(start: datetime, end: datetime) -> float:
    total = timedelta()
    day = start.astimezone(SH).date()
    while day <= end.astimezone(SH).date():
        for period_start, period_end in CAL.periods_on(day):
            lo, hi = max(period_start, start), min(period_end, end)
            if hi > lo:
                total += hi - lo
        day += timedelta(days=1)
    return total.total_seconds() / 60


def _same(a: datetime, b: datetime) -> bool:
    return a == b and a.tzinfo is b.tzinfo


@props
@given(start=moments, amount=minutes)
def test_adding_lands_where_walking_every_period_lands(start: datetime, amount: float) -> None:
    assert _same(CAL.add_working_minutes(start, amount), _walk_add(start, amount))


@props
@given(moment=moments, amount=minutes)
def test_subtracting_lands_where_walking_back_lands(moment: datetime, amount: float) -> None:
    hours = amount / 60
    assert _same(subtract(CAL, moment, hours, LimitUnit.WORKING_HOURS), _walk_subtract(moment, hours * 60))


@props
@given(start=moments, later_by=st.integers(0, 400 * 24 * 3600))
def test_measuring_counts_what_walking_counts(start: datetime, later_by: int) -> None:
    end = start + timedelta(seconds=later_by)
    assert CAL.working_minutes_between(start, end) == _walk_between(start, end)
    assert CAL.working_minutes_between(end, start) == -_walk_between(start, end)
