"""Characters that must not reach stored text.

- NUL cannot be stored (PostgreSQL refuses it in text) and is never typed by a person: a
  request carrying one is refused with a 400 (civicdesk.runtime.middleware).
- The bidirectional embedding, override and isolate controls (U+202A–U+202E, U+2066–U+2069)
  make text display in another order than it is stored ("Trojan Source"): an order title can
  be made to show a different phone number or amount than it holds. They carry no meaning in
  Chinese or English text and are removed from what people submit.
"""

from __future__ import annotations

import re
from typing import Any

BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")


def strip_bidi(text: str) -> str:
    return BIDI_CONTROLS.sub("", text)


def has_nul(value: Any) -> bool:
    """Whether a decoded value (a string, or lists and dicts of them, as JSON gives) holds NUL."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(has_nul(k) or has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(has_nul(v) for v in value)
    return False
