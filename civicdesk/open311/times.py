"""Reading the moments clients send: ISO 8601 / W3C datetimes, or plain dates."""

from __future__ import annotations

import re
from datetime import date, datetime, time

from django.utils import timezone

# "+08:00" sent unencoded in a query string arrives as " 08:00".
_LOST_PLUS = re.compile(r"(T[\d:.]+) (\d{2}:?\d{2})$")


def parse_moment(raw: str, *, end_of_day: bool = False) -> datetime | None:
    """An aware datetime, or None when `raw` is not a date. A moment without a zone is taken
    in the center's zone; a bare date means its first (or, for an end, its last) moment."""
    raw = (raw or "").strip()
    if not raw:
        return None
    try:
        if len(raw) == 10:
            day = date.fromisoformat(raw)
            value = datetime.combine(day, time.max if end_of_day else time.min)
        else:
            raw = _LOST_PLUS.sub(r"\1+\2", raw)
            value = datetime.fromisoformat(raw if "T" in raw else raw.replace(" ", "T", 1))
    except ValueError:
        return None
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value
