"""Working-time arithmetic on intervals.

A deadline such as "2 working days" counts only the minutes that fall inside business
hours on working days. Arithmetic walks whole business periods (a morning, an afternoon),
never minute by minute, so adding ten working days costs a few dozen steps.

Convention: N working days = N × the length of a business day, counted from the start
moment, so an order dispatched on Monday 10:00 with 2 working days is due on Wednesday
10:00. A start outside business hours starts counting at the next opening.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

import chinese_calendar

# More than any deadline needs (the longest limits are weeks); stops a calendar with no
# working day at all from looping forever.
_MAX_DAYS_SCANNED = 3660


class LimitUnit(enum.StrEnum):
    WORKING_HOURS = "working_hours"
    WORKING_DAYS = "working_days"
    CALENDAR_HOURS = "calendar_hours"


@dataclass(frozen=True)
class BusinessHours:
    """The opening periods of one working day, in local time, sorted and not overlapping."""

    periods: tuple[tuple[time, time], ...]

    def __post_init__(self) -> None:
        if not self.periods:
            raise ValueError("business hours need at least one period")
        previous_end: time | None = None
        for start, end in self.periods:
            if end <= start:
                raise ValueError(f"period {start:%H:%M}-{end:%H:%M} ends before it starts")
            if previous_end is not None and start < previous_end:
                raise ValueError("business periods overlap or are not in order")
            previous_end = end

    @classmethod
    def parse(cls, text: str) -> BusinessHours:
        """Parse "08:30-12:00,13:30-17:30"."""
        periods: list[tuple[time, time]] = []
        for chunk in text.split(","):
            chunk = chunk.strip()
            if not chunk:
                continue
            try:
                start_text, end_text = chunk.split("-")
                start = time.fromisoformat(start_text.strip())
                end = time.fromisoformat(end_text.strip())
            except ValueError:
                raise ValueError(f"not a period HH:MM-HH:MM: {chunk!r}") from None
            periods.append((start, end))
        return cls(tuple(periods))

    @property
    def minutes_per_day(self) -> int:
        total = 0
        for start, end in self.periods:
            total += (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)
        return total


def china_is_workday(day: date) -> bool:
    """The State Council schedule, including adjusted working weekends (调休).

    Outside the years the chinese-calendar data covers, fall back to Monday–Friday; admins
    enter next year's schedule as overrides until the package catches up.
    """
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        return day.weekday() < 5


def china_calendar_years() -> tuple[int, int]:
    """First and last year the chinese-calendar data covers."""
    years = sorted({d.year for d in chinese_calendar.holidays})
    return years[0], years[-1]


def with_overrides(base: Callable[[date], bool], overrides: Mapping[date, bool]) -> Callable[[date], bool]:
    """A workday rule where admin-entered days win over the base rule."""

    def is_workday(day: date) -> bool:
        override = overrides.get(day)
        return base(day) if override is None else override

    return is_workday


class WorkCalendar:
    def __init__(
        self,
        hours: BusinessHours,
        tz: tzinfo,
        is_workday: Callable[[date], bool] = china_is_workday,
    ) -> None:
        self.hours = hours
        self.tz = tz
        self._is_workday = is_workday
        self._workday_cache: dict[date, bool] = {}
        # Each day's periods, built once: a deadline walks the same days for every order (an
        # import of history adds working time tens of thousands of times).
        self._periods_cache: dict[date, tuple[tuple[datetime, datetime], ...]] = {}
        # Each day's working time in all: a deadline passes over whole days with one comparison.
        self._day_totals: dict[date, timedelta] = {}

    def is_workday(self, day: date) -> bool:
        cached = self._workday_cache.get(day)
        if cached is None:
            cached = self._workday_cache[day] = self._is_workday(day)
        return cached

    @property
    def minutes_per_day(self) -> int:
        return self.hours.minutes_per_day

    def periods_on(self, day: date) -> tuple[tuple[datetime, datetime], ...]:
        """The business periods of one day as aware datetimes (none on a day off)."""
        cached = self._periods_cache.get(day)
        if cached is not None:
            return cached
        periods: tuple[tuple[datetime, datetime], ...] = ()
        if self.is_workday(day):
            periods = tuple(
                (datetime.combine(day, start, tzinfo=self.tz), datetime.combine(day, end, tzinfo=self.tz))
                for start, end in self.hours.periods
            )
        self._periods_cache[day] = periods
        return periods

    def day_total(self, day: date) -> timedelta:
        """The working time of one day (zero on a day off)."""
        total = self._day_totals.get(day)
        if total is None:
            total = timedelta()
            for start, end in self.periods_on(day):
                total += end - start
            self._day_totals[day] = total
        return total

    def add_working_minutes(self, start: datetime, minutes: float) -> datetime:
        """Walks the business periods from `start` (clipped to it) in order; after the first
        day, a whole day that cannot hold what remains is passed at once, as its periods
        would each be passed."""
        if minutes < 0:
            raise ValueError("cannot add a negative amount of working time")
        remaining = timedelta(minutes=minutes)
        local = _aware(start).astimezone(self.tz)
        day = local.date()
        for period_start, period_end in self.periods_on(day):
            if period_end <= local:
                continue
            period_start = max(period_start, local)
            available = period_end - period_start
            if remaining <= available:
                return period_start + remaining
            remaining -= available
        one_day = timedelta(days=1)
        for _ in range(_MAX_DAYS_SCANNED - 1):
            day += one_day
            total = self._day_totals.get(day)
            if total is None:
                total = self.day_total(day)
            if remaining > total:
                remaining -= total
                continue
            for period_start, period_end in self.periods_on(day):
                available = period_end - period_start
                if remaining <= available:
                    return period_start + remaining
                remaining -= available
        raise ValueError(f"no working time within {_MAX_DAYS_SCANNED} days of {start}")

    def add_working_days(self, start: datetime, days: float) -> datetime:
        return self.add_working_minutes(start, days * self.minutes_per_day)

    def working_minutes_between(self, start: datetime, end: datetime) -> float:
        """Working minutes in [start, end); negative when end is before start."""
        start, end = _aware(start), _aware(end)
        if end < start:
            return -self.working_minutes_between(end, start)
        total = timedelta()
        local_start = start.astimezone(self.tz)
        first_day = day = local_start.date()
        last_day = end.astimezone(self.tz).date()
        one_day = timedelta(days=1)
        while day <= last_day:
            if first_day < day < last_day:
                # A day between the two lies whole inside them.
                total += self.day_total(day)
            else:
                for period_start, period_end in self.periods_on(day):
                    lo, hi = max(period_start, start), min(period_end, end)
                    if hi > lo:
                        total += hi - lo
            day += one_day
        return total.total_seconds() / 60

    def add(self, start: datetime, amount: float, unit: LimitUnit | str) -> datetime:
        """The moment `amount` of `unit` after `start`: the one entry point for deadlines."""
        unit = LimitUnit(unit)
        if unit is LimitUnit.CALENDAR_HOURS:
            if amount < 0:
                raise ValueError("cannot add a negative amount of time")
            return _aware(start) + timedelta(hours=amount)
        if unit is LimitUnit.WORKING_HOURS:
            return self.add_working_minutes(start, amount * 60)
        return self.add_working_days(start, amount)

    def elapsed(self, start: datetime, end: datetime, unit: LimitUnit | str) -> float:
        """How much of `unit` passed between two moments (the inverse of `add`)."""
        unit = LimitUnit(unit)
        if unit is LimitUnit.CALENDAR_HOURS:
            return (_aware(end) - _aware(start)).total_seconds() / 3600
        minutes = self.working_minutes_between(start, end)
        if unit is LimitUnit.WORKING_HOURS:
            return minutes / 60
        return minutes / self.minutes_per_day

    def shift(self, moment: datetime, by_working_minutes: float) -> datetime:
        """Move a deadline later by working time, e.g. by the time an order was suspended."""
        return self.add_working_minutes(moment, by_working_minutes) if by_working_minutes > 0 else moment


def _aware(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("working-time arithmetic needs time-zone-aware datetimes")
    return moment


def subtract(calendar: WorkCalendar, moment: datetime, amount: float, unit: LimitUnit | str) -> datetime:
    """The moment `amount` of `unit` before `moment` (the inverse of WorkCalendar.add),
    used for the start of the near-due window before a deadline."""
    unit = LimitUnit(unit)
    if amount < 0:
        raise ValueError("cannot subtract a negative amount of time")
    if unit is LimitUnit.CALENDAR_HOURS:
        return _aware(moment) - timedelta(hours=amount)
    minutes = amount * 60 if unit is LimitUnit.WORKING_HOURS else amount * calendar.minutes_per_day
    remaining = timedelta(minutes=minutes)
    local = _aware(moment).astimezone(calendar.tz)
    day = local.date()
    first_day = day
    for _ in range(_MAX_DAYS_SCANNED):
        if day != first_day and remaining > calendar.day_total(day):
            # A whole earlier day that cannot hold what remains (every period of it would pass).
            remaining -= calendar.day_total(day)
            day -= timedelta(days=1)
            continue
        for start, end in reversed(calendar.periods_on(day)):
            if start >= local:
                continue
            clipped_end = min(end, local)
            available = clipped_end - start
            if remaining <= available:
                return clipped_end - remaining
            remaining -= available
        day -= timedelta(days=1)
    raise ValueError(f"no working time within {_MAX_DAYS_SCANNED} days before {moment}")
