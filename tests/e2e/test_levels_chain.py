"""The chain in the browser: the city center's dispatcher finds on the board what the
prefecture handed down; the prefecture's leader sees the city center as one line of the
dashboard and opens it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from playwright.sync_api import expect

from tests.e2e.conftest import screenshot


def test_the_county_dispatcher_sees_the_order_handed_down(signed_in: Callable[[str], Any]) -> None:
    page = signed_in("dispatcher1")
    page.goto("/orders/dispatch/?tab=pending")
    badge = page.locator("#pending-table .handed-down").first
    expect(badge).to_be_visible()
    expect(badge).to_contain_text("东州市12345政务服务便民热线下转")
    expect(badge).to_contain_text("上级时限")
    row = page.locator("#pending-table tbody tr").filter(has=page.locator(".handed-down")).first
    row.locator("a").first.click()
    expect(page.locator("#upper-hub")).to_contain_text("东州市12345政务服务便民热线下转至青岚市社会治理服务中心")
    screenshot(page, "county-board-handed-down")


def test_the_prefecture_leader_opens_the_county_line(signed_in: Callable[[str], Any]) -> None:
    page = signed_in("p-leader1")
    page.get_by_role("link", name="统计").first.click()
    levels = page.locator("#table-levels tbody tr")
    expect(levels).to_have_count(2)
    expect(levels.first).to_contain_text("东州市12345政务服务便民热线（本级）")
    county = page.locator("#table-levels a.level-open", has_text="青岚市社会治理服务中心")
    expect(county).to_be_visible()
    screenshot(page, "prefecture-dashboard-levels")
    county.click()
    expect(page.locator("#stats-scope")).to_contain_text("青岚市社会治理服务中心")
    expect(page.locator("#stats-dashboard[data-ready='1']")).to_be_attached()
    assert "hub=" in page.url
    # The county's own page, opened from above, has no lower lines of its own.
    expect(page.locator("#table-levels")).to_have_count(0)
