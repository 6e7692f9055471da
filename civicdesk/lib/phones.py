"""A citizen's phone number as the public forms take it: a mainland mobile (11 digits) or a
landline with its area code; spaces and dashes typed in it are dropped."""

from __future__ import annotations

import re

MOBILE = re.compile(r"^1[3-9]\d{9}$")
LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}$")


def normalised_phone(value: str) -> str | None:
    """The number without spaces and dashes, or None when it is neither a mobile nor a landline."""
    phone = re.sub(r"[\s-]", "", value or "")
    return phone if MOBILE.match(phone) or LANDLINE.match(phone) else None
