"""Reading the unit and admin pages in tests."""

from __future__ import annotations

import re

from tests.console.helpers import client_for, field_errors, order_numbers, text

__all__ = ["client_for", "field_errors", "inbox_rows", "order_numbers", "text"]


def inbox_rows(html: str) -> dict[str, str]:
    """Inbox rows by order number: each row's HTML."""
    return {m.group(1): m.group(0) for m in re.finditer(r'<tr id="row-(\d{13})">.*?</tr>', html, re.S)}
