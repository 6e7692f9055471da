"""The 热点 page in a browser: the dispatcher sees the demo's hotspots ranked with the heat
formula, opens the 幸福里小区 one, confirms it and merges its orders into one; a handler is
refused the page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from playwright.sync_api import expect


def test_the_dispatcher_confirms_and_merges_a_hotspot(signed_in: Callable[[str], Any]) -> None:
    page = signed_in("dispatcher1")
    page.get_by_role("link", name="热点", exact=True).first.click()
    expect(page.locator("#heat-formula")).to_contain_text("热度 =")
    rows = page.locator("#hotspot-table .hotspot-row")
    expect(rows.first).to_be_visible()
    heats = [float(t) for t in rows.locator("td:nth-child(2)").all_inner_texts()]
    assert heats == sorted(heats, reverse=True), f"not ranked by heat: {heats}"

    page.locator("#hotspot-table a", has_text="幸福里小区").first.click()
    expect(page.locator("#hotspot-orders tbody tr")).to_have_count(6)
    expect(page.locator("#area-orders")).to_be_visible()  # drill to the area's orders

    page.fill("#confirm-note", "同一片区餐饮油烟")
    page.locator("#confirm-button").click()
    expect(page.locator("#hotspot-status")).to_have_text("已确认")
    expect(page.locator("#hotspot-events")).to_contain_text("确认")

    page.locator("#merge-button").click()
    expect(page.locator("#hotspot-status")).to_have_text("已并单")
    expect(page.locator(".alert-success, .alert")).to_contain_text("每位来电人")
    expect(page.locator("#hotspot-orders tbody tr", has_text="已并单")).to_have_count(5)


def test_a_handler_is_refused_the_hotspot_page(signed_in: Callable[[str], Any]) -> None:
    page = signed_in("h-zj")
    expect(page.get_by_role("link", name="热点", exact=True)).to_have_count(0)
    response = page.goto("/hotspots/")
    assert response is not None and response.status == 403
