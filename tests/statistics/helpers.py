from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from zoneinfo import ZoneInfo

import time_machine

TZ = ZoneInfo("Asia/Shanghai")


def t(day: int, hour: int = 9, minute: int = 0, month: int = 3) -> dt.datetime:
    """A moment in 2026 (March by default); 2026-03-02 is a Monday and a working day."""
    return dt.datetime(2026, month, day, hour, minute, tzinfo=TZ)


@contextmanager
def at(moment: dt.datetime) -> Iterator[None]:
    with time_machine.travel(moment, tick=False):
        yield
