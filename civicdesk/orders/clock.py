"""The time actions run at.

Normally now. Importers of historical records (the demo's year of history, an upstream
platform replaying its log) run the same actions at the times the moves really happened,
so every event, deadline and counter has the shape live use would give it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime

from django.utils import timezone

_fixed: ContextVar[datetime | None] = ContextVar("civicdesk_clock", default=None)


def now() -> datetime:
    fixed = _fixed.get()
    return fixed if fixed is not None else timezone.now()


@contextmanager
def running_at(moment: datetime) -> Iterator[None]:
    if timezone.is_naive(moment):
        raise ValueError("the clock needs a time-zone-aware moment")
    token = _fixed.set(moment)
    try:
        yield
    finally:
        _fixed.reset(token)
