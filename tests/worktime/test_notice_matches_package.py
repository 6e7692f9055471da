"""The State Council notices of 2020–2026, as published, read into exactly the schedule the
chinese-calendar data holds for those years: every day of the year (and 2023's New Year's Eve),
holiday or working day, agrees. The package also lists 'in-lieu' days (the weekdays a
调休 turns into holidays); they count here as what they are, days off."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import chinese_calendar
import pytest

from civicdesk.worktime.notice import parse_notice

DATA = Path(__file__).parent / "data"
YEARS = range(2020, 2027)


def _notice(year: int) -> str:
    return (DATA / f"notice_{year}.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize("year", YEARS)
def test_every_day_of_the_year_agrees_with_the_package(year: int) -> None:
    schedule = parse_notice(_notice(year), year)

    assert schedule.problems == []
    start = min(date(year, 1, 1), schedule.days[0].day)
    disagree = []
    day = start
    while day <= date(year, 12, 31):
        if schedule.is_workday(day) != chinese_calendar.is_workday(day):
            disagree.append(f"{day:%Y-%m-%d} notice={'work' if schedule.is_workday(day) else 'rest'}")
        day += timedelta(days=1)
    assert disagree == []


@pytest.mark.parametrize("year", YEARS)
def test_it_names_every_day_the_package_changes_from_monday_to_friday(year: int) -> None:
    """Not only the same result: each weekday holiday (in-lieu days included) and each
    working weekend is a line of the preview, with the sentence it came from."""
    schedule = parse_notice(_notice(year), year)
    lines = {d.day: d for d in schedule.days}
    package_changes = {d for d in chinese_calendar.holidays if d.year == year and d.weekday() < 5} | {
        d for d in chinese_calendar.workdays if d.year == year and d.weekday() >= 5
    }
    in_lieu = {d for d in chinese_calendar.in_lieu_days if d.year == year}

    assert package_changes <= set(lines)
    assert in_lieu <= {d for d, line in lines.items() if not line.is_workday}
    for day in package_changes:
        assert lines[day].source in _notice(year), day


def test_2020_extension_turns_the_spring_festival_working_saturday_into_a_holiday() -> None:
    schedule = parse_notice(_notice(2020), 2020)
    lines = {d.day: d for d in schedule.days}

    assert not lines[date(2020, 2, 1)].is_workday
    assert lines[date(2020, 2, 1)].source.startswith("一、延长2020年春节假期至2月2日")
    assert not lines[date(2020, 1, 31)].is_workday and not lines[date(2020, 2, 2)].is_workday
    assert lines[date(2020, 1, 19)].is_workday


def test_2023_new_year_reaches_back_into_2022() -> None:
    schedule = parse_notice(_notice(2023), 2023)

    new_year = [d.day for d in schedule.days if d.name == "元旦"]
    assert new_year == [date(2022, 12, 31), date(2023, 1, 1), date(2023, 1, 2)]


def test_2024_new_years_eve_remark_is_shown_as_unread_not_as_a_holiday() -> None:
    schedule = parse_notice(_notice(2024), 2024)

    assert date(2024, 2, 9) not in {d.day for d in schedule.days}
    assert schedule.unread == ["鼓励各单位结合带薪年休假等制度落实，安排职工在除夕（2月9日）休息。"]
