"""Changing the working calendar, and knowing which years it covers.

Every change of admin-entered days (one day on the calendar page, a pasted notice, an
imported table) goes through `change_days`: one transaction that writes the days, keeps the
calendar from before, and announces the days whose status changed with `schedule_changed`.
The orders app listens (civicdesk.orders.actions.calendar) and moves the deadlines of open
orders that depend on those days, inside the same transaction, so a schedule is never saved
without its consequences. (This app sits below orders and so cannot call it directly.)

Coverage: a year is covered when the chinese-calendar data has it or an admin entered its
schedule (a YearSchedule). The warning (console `calendar_warning` tag) starts on 1 November
for next year, and at once for the current year.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.dispatch import Signal

from civicdesk.lib.worktime import china_calendar_years
from civicdesk.org.models import User
from civicdesk.worktime.limits import calendar_with, forget_calendar
from civicdesk.worktime.models import CalendarDay, YearSchedule

# Sent inside the changing transaction with: days (set[date] whose working status changed),
# before (the WorkCalendar as it was), actor (the admin), reason (text for the orders' history).
schedule_changed = Signal()

# From this day of the year on, next year must be covered.
WARN_FROM = (11, 1)


def change_days(
    put: Mapping[date, tuple[bool, str]],
    *,
    actor: User | None,
    reason: str,
    remove: Iterable[date] = (),
    year: tuple[int, str, str] | None = None,
) -> Change:
    """Write days (day → (is_workday, note)) and remove others; `year` = (year, source, text)
    records that the year's schedule has been entered. Returns the days whose working status
    changed (a day rewritten with the same status changes no deadline) and how many orders'
    deadlines moved with them."""
    removed = set(remove)
    with transaction.atomic():
        # Locks every entered day: two admins saving schedules at once take turns, so each
        # compares deadlines against the calendar the other one left.
        rows = {row.day: row for row in CalendarDay.objects.select_for_update().order_by("day")}
        before = calendar_with({day: row.is_workday for day, row in rows.items()})
        for day, (is_workday, note) in put.items():
            row = rows.get(day) or CalendarDay(day=day)
            if row.pk is not None and (row.is_workday, row.note) == (is_workday, note):
                continue
            row.is_workday, row.note, row.entered_by = is_workday, note, actor
            row.save()
            rows[day] = row
        for day in removed:
            if day in rows:
                rows.pop(day).delete()
        if year is not None:
            number, source, text = year
            YearSchedule.objects.update_or_create(
                year=number, defaults={"source": source, "text": text, "entered_by": actor}
            )
        forget_calendar()
        after = calendar_with({day: row.is_workday for day, row in rows.items()})
        changed = {day for day in set(put) | removed if before.is_workday(day) != after.is_workday(day)}
        moved = 0
        if changed:
            answers = schedule_changed.send(sender=CalendarDay, days=changed, before=before, actor=actor, reason=reason)
            for _receiver, answer in answers:
                value: object = answer  # the stubs type answers as text; ours answers a count
                if isinstance(value, int):
                    moved += value
    return Change(changed, moved)


@dataclass(frozen=True)
class Change:
    days: set[date]
    orders_moved: int


def covered_years() -> set[int]:
    first, last = china_calendar_years()
    return set(range(first, last + 1)) | set(YearSchedule.objects.values_list("year", flat=True))


@dataclass(frozen=True)
class Gap:
    """The first year from `today` on that the calendar does not cover."""

    year: int
    # The warning is due (this year, or next year from 1 November); orders with deadlines in
    # the year make it louder whenever they appear.
    due: bool

    @property
    def starts(self) -> datetime:
        return datetime.combine(date(self.year, 1, 1), time(), tzinfo=ZoneInfo(settings.TIME_ZONE))


def first_gap(today: date) -> Gap:
    covered = covered_years()
    year = today.year
    while year in covered:
        year += 1
    due = year == today.year or (year == today.year + 1 and (today.month, today.day) >= WARN_FROM)
    return Gap(year, due)
