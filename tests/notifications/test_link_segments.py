"""A link in an SMS is never cut across two segments."""

from __future__ import annotations

import re

import pytest

from civicdesk.notifications.queue import CITIZEN_TEXTS
from civicdesk.notifications.templates import sms_parts

NUMBER = "2026120100017"


@pytest.mark.parametrize(
    "base", ["https://12345.qinglan.example", "http://127.0.0.1:8000", "https://rc12345.example.gov.cn"]
)
def test_the_rating_link_stays_whole(base: str) -> None:
    url = f"{base}/portal/r/AbCdEfGhIjKlMnOpQrSt"
    text = CITIZEN_TEXTS["accept_reply_rating"].format(number=NUMBER, days=7, url=url)
    parts = sms_parts(text, NUMBER, max_segments=3)
    assert any(url in re.sub(r"^\(\d/\d\)", "", part) for part in parts), parts
    assert all(len(part) <= 70 for part in parts)
    assert NUMBER in "".join(parts)
