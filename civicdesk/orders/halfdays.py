"""Working days typed by a person, in half days (extensions, part, view, answer and
acknowledgement time limits): one rule, each caller with its own default and message."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation


def half_days(value: object, maximum: float | None = None) -> float | None:
    """`value` as a number of working days when it is positive, at most `maximum`, and a
    whole number of half days; None when it is not."""
    try:
        days = Decimal(str(value))
    except InvalidOperation:
        return None
    # quantize(Decimal("0.5")) only rounds to one decimal place (2.3 stays 2.3); a half
    # working day means twice the days is a whole number.
    if not days.is_finite() or days <= 0 or days * 2 != (days * 2).to_integral_value():
        return None
    if maximum is not None and days > Decimal(str(maximum)):
        return None
    return float(days)
