"""Properties of the working-time arithmetic over random moments, 2024 to 2027 (the last
year without chinese-calendar data), including the holidays and make-up days."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from civicdesk.lib.worktime import LimitUnit, WorkCalendar, subtract
from tests.worktime.helpers import HOURS, SH, at

CAL = WorkCalendar(HOURS, SH)
FIVE_MINUTES = timedelta(minutes=5)
moments = st.integers(0, 4 * 365 * 24 * 12).map(lambda n: at(2024, 1, 1) + n * FIVE_MINUTES)
# Whole minutes up to ~40 working days, and the limits as admins configure them.
working_minutes = st.integers(0, 40 * 450)
amounts = st.one_of(
    st.tuples(st.just(LimitUnit.WORKING_HOURS), st.integers(0, 200).map(lambda n: n / 4)),
    st.tuples(st.just(LimitUnit.WORKING_DAYS), st.integers(0, 40).map(lambda n: n / 2)),
)
props = settings(max_examples=150, deadline=None)


def _minutes(moment_a: datetime, moment_b: datetime) -> float:
    return CAL.working_minutes_between(moment_a, moment_b)


@props
@given(start=moments, amount=amounts)
def test_it_measures_back_exactly_what_it_added(start: datetime, amount: tuple[LimitUnit, float]) -> None:
    unit, x = amount
    assert CAL.elapsed(start, CAL.add(start, x, unit), unit) == pytest.approx(x, abs=1e-9)


@props
@given(start=moments, minutes=working_minutes)
def test_it_lands_only_inside_business_hours(start: datetime, minutes: int) -> None:
    due = CAL.add_working_minutes(start, minutes).astimezone(SH)
    assert CAL.is_workday(due.date())
    assert any(start <= due.time() <= end for start, end in HOURS.periods)


@props
@given(start=moments, a=working_minutes, b=working_minutes)
def test_it_never_gives_an_earlier_deadline_for_more_time(start: datetime, a: int, b: int) -> None:
    small, large = sorted((a, b))
    assert CAL.add_working_minutes(start, small) <= CAL.add_working_minutes(start, large)


@props
@given(first=moments, later_by=st.integers(0, 30 * 24 * 12), minutes=working_minutes)
def test_it_never_gives_an_earlier_deadline_for_a_later_start(first: datetime, later_by: int, minutes: int) -> None:
    second = first + later_by * FIVE_MINUTES
    assert CAL.add_working_minutes(first, minutes) <= CAL.add_working_minutes(second, minutes)


@props
@given(start=moments, amount=amounts)
def test_it_subtracts_what_it_added(start: datetime, amount: tuple[LimitUnit, float]) -> None:
    unit, x = amount
    due = CAL.add(start, x, unit)
    back = subtract(CAL, due, x, unit)
    # Back at the start, or at a moment no working time away from it (e.g. the end of the
    # previous period when the start was an opening).
    assert back <= due
    assert _minutes(back, start) == 0


@props
@given(moment=moments, amount=amounts)
def test_it_adds_back_what_it_subtracted(moment: datetime, amount: tuple[LimitUnit, float]) -> None:
    unit, x = amount
    earlier = subtract(CAL, moment, x, unit)
    assert earlier <= moment
    assert CAL.elapsed(earlier, moment, unit) == pytest.approx(x, abs=1e-9)
    assert _minutes(CAL.add(earlier, x, unit), moment) == 0


@props
@given(a=moments, gap1=st.integers(0, 20 * 24 * 12), gap2=st.integers(0, 20 * 24 * 12))
def test_it_adds_up_working_time_over_adjacent_intervals(a: datetime, gap1: int, gap2: int) -> None:
    b = a + gap1 * FIVE_MINUTES
    c = b + gap2 * FIVE_MINUTES
    assert _minutes(a, c) == _minutes(a, b) + _minutes(b, c)
    assert _minutes(c, a) == -_minutes(a, c)


@props
@given(start=moments, hours=st.integers(0, 24 * 30))
def test_it_treats_calendar_hours_as_wall_time(start: datetime, hours: int) -> None:
    due = CAL.add(start, hours, LimitUnit.CALENDAR_HOURS)
    assert due - start == timedelta(hours=hours)
    assert CAL.elapsed(start, due, LimitUnit.CALENDAR_HOURS) == hours
    assert subtract(CAL, due, hours, LimitUnit.CALENDAR_HOURS) == start
