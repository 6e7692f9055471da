from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from civicdesk.lib.worktime import BusinessHours, WorkCalendar

SH = ZoneInfo("Asia/Shanghai")
HOURS = BusinessHours.parse("08:30-12:00,13:30-17:30")


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=SH)


def china() -> WorkCalendar:
    """The center's default calendar without the database: State Council schedule only."""
    return WorkCalendar(HOURS, SH)
