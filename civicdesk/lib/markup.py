"""Escaping for the list rows written out in Python (issue #20).

Django's conditional_escape and escape are wrapped by keep_lazy, which looks at every argument
for a lazy translation before the escaping itself: two thirds of their cost, and the board's
and the supervision page's rows call them a thousand to two thousand times a page (a tenth of
the page's CPU). `escaped` gives the same characters (html.escape, which Django's escape is
made of; a value marked safe, or with __html__, as it is) without the wrapper.
"""

from __future__ import annotations

import html
from typing import Any


def escaped(value: Any) -> str:
    """`{{ value }}` under autoescaping, for a value that is text: conditional_escape's
    characters, as a plain str (mark the whole written markup safe once)."""
    if hasattr(value, "__html__"):
        return str(value.__html__())
    return html.escape(str(value))
