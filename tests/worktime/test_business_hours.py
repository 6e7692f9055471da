"""Business hours: where counting starts, period ends, the lunch break, exact minutes."""

from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest

from civicdesk.lib.worktime import BusinessHours, LimitUnit, WorkCalendar
from tests.worktime.helpers import HOURS, SH, at

# Mon 2025-11-03 .. Fri 11-07 is an ordinary week (no holiday, no make-up day).
WEEK = WorkCalendar(HOURS, SH)


@pytest.mark.parametrize(
    ("start", "due"),
    [
        (at(2025, 11, 3, 7, 0), at(2025, 11, 3, 8, 31)),  # before opening: counts from 08:30
        (at(2025, 11, 3, 12, 15), at(2025, 11, 3, 13, 31)),  # in the lunch break: from 13:30
        (at(2025, 11, 3, 19, 0), at(2025, 11, 4, 8, 31)),  # after closing: next morning
        (at(2025, 11, 8, 10, 0), at(2025, 11, 10, 8, 31)),  # Saturday: Monday morning
    ],
)
def test_it_starts_counting_at_the_next_opening(start: datetime, due: datetime) -> None:
    assert WEEK.add_working_minutes(start, 1) == due


def test_it_lands_exactly_on_a_period_end_rather_than_the_next_opening() -> None:
    assert WEEK.add_working_minutes(at(2025, 11, 3, 8, 30), 210) == at(2025, 11, 3, 12, 0)
    assert WEEK.add(at(2025, 11, 7, 13, 30), 4, LimitUnit.WORKING_HOURS) == at(2025, 11, 7, 17, 30)


def test_it_continues_after_lunch_when_started_exactly_at_a_period_end() -> None:
    assert WEEK.add_working_minutes(at(2025, 11, 3, 12, 0), 30) == at(2025, 11, 3, 14, 0)
    assert WEEK.add_working_minutes(at(2025, 11, 7, 17, 30), 1) == at(2025, 11, 10, 8, 31)


def test_it_skips_the_lunch_break() -> None:
    assert WEEK.working_minutes_between(at(2025, 11, 3, 11, 0), at(2025, 11, 3, 14, 0)) == 90
    assert WEEK.add(at(2025, 11, 3, 11, 0), 2, LimitUnit.WORKING_HOURS) == at(2025, 11, 3, 14, 30)


def test_it_counts_working_time_to_the_minute() -> None:
    assert WEEK.minutes_per_day == 450
    assert WEEK.add(at(2025, 11, 3, 10, 0), 2, LimitUnit.WORKING_DAYS) == at(2025, 11, 5, 10, 0)
    assert WEEK.add(at(2025, 11, 3, 10, 0), 0.5, LimitUnit.WORKING_DAYS) == at(2025, 11, 3, 15, 15)
    assert WEEK.add(at(2025, 11, 3, 10, 7), 1.5, LimitUnit.WORKING_HOURS) == at(2025, 11, 3, 11, 37)
    assert WEEK.working_minutes_between(at(2025, 11, 3, 10, 0), at(2025, 11, 10, 10, 0)) == 5 * 450
    assert WEEK.elapsed(at(2025, 11, 3, 10, 0), at(2025, 11, 4, 9, 30), LimitUnit.WORKING_DAYS) == 1.0 - 30 / 450


def test_it_counts_backwards_as_negative_time() -> None:
    assert WEEK.working_minutes_between(at(2025, 11, 4, 9, 0), at(2025, 11, 3, 17, 0)) == -60


def test_it_adds_calendar_hours_through_nights_and_weekends() -> None:
    assert WEEK.add(at(2025, 11, 7, 20, 0), 24, LimitUnit.CALENDAR_HOURS) == at(2025, 11, 8, 20, 0)


def test_it_accepts_moments_in_another_time_zone() -> None:
    utc_start = datetime(2025, 11, 3, 2, 0, tzinfo=ZoneInfo("UTC"))  # 10:00 in Shanghai
    assert WEEK.add(utc_start, 1, LimitUnit.WORKING_HOURS) == at(2025, 11, 3, 11, 0)


def test_it_follows_custom_business_hours() -> None:
    hours = BusinessHours.parse(" 09:00-12:00 , 14:00-18:00 ")
    assert hours.periods == ((time(9), time(12)), (time(14), time(18)))
    assert hours.minutes_per_day == 420
    cal = WorkCalendar(hours, SH)
    assert cal.add(at(2025, 11, 3, 11, 0), 2, LimitUnit.WORKING_HOURS) == at(2025, 11, 3, 15, 0)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "at least one period"),
        ("08:30", "not a period"),
        ("08:30-12:00-13:30", "not a period"),
        ("8.30-12", "not a period"),
        ("08:30-25:00", "not a period"),
        ("12:00-08:30", "ends before it starts"),
        ("08:30-08:30", "ends before it starts"),
        ("08:30-12:00,11:00-14:00", "overlap"),
        ("13:30-17:30,08:30-12:00", "overlap or are not in order"),
    ],
)
def test_it_refuses_malformed_business_hours(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        BusinessHours.parse(text)


def test_it_refuses_naive_moments_and_negative_amounts() -> None:
    with pytest.raises(ValueError, match="time-zone-aware"):
        WEEK.add(datetime(2025, 11, 3, 10, 0), 1, LimitUnit.WORKING_HOURS)
    with pytest.raises(ValueError, match="negative"):
        WEEK.add(at(2025, 11, 3, 10, 0), -1, LimitUnit.WORKING_HOURS)
    with pytest.raises(ValueError, match="negative"):
        WEEK.add(at(2025, 11, 3, 10, 0), -1, LimitUnit.CALENDAR_HOURS)
    with pytest.raises(ValueError):
        WEEK.add(at(2025, 11, 3, 10, 0), 1, "fortnights")


def test_it_stops_instead_of_looping_on_a_calendar_without_working_days() -> None:
    never = WorkCalendar(HOURS, SH, lambda day: False)
    with pytest.raises(ValueError, match="no working time"):
        never.add(at(2025, 11, 3, 10, 0), 1, LimitUnit.WORKING_HOURS)
