"""The leader's dashboard draws only the past, says when its figures were taken in, and says in
one line that the figures side by side have different bases."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

from playwright.sync_api import expect

from tests.e2e.conftest import screenshot


def test_the_dashboard_shows_the_past_and_its_as_of_time(signed_in: Callable[[str], Any]) -> None:
    page = signed_in("leader1")
    page.goto("/stats/?period=month")
    expect(page.locator("#stats-dashboard[data-ready='1']")).to_be_attached()
    today = dt.datetime.now(ZoneInfo("Asia/Shanghai")).date().isoformat()
    days = page.locator("#table-trend tbody tr td:first-child").all_text_contents()
    assert days and max(days) <= today, days
    expect(page.locator("#stats-as-of")).to_contain_text("数据截至")
    expect(page.locator("#stats-bases")).to_contain_text("口径不同")
    # A ranking with no unit says so in words; one with units draws its chart.
    empty = page.locator("#ranking-empty")
    if empty.is_visible():
        expect(empty).to_contain_text("没有单位")
        expect(page.locator("#chart-ranking")).to_be_hidden()
    else:
        expect(page.locator("#chart-ranking canvas")).to_have_count(1)
    screenshot(page, "stats-dashboard-past")
