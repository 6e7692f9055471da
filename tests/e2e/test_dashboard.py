"""The leader opens the statistics dashboard: the charts are drawn and the tables under them
hold the same numbers as the app's JSON."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from playwright.sync_api import expect

from tests.e2e.conftest import screenshot


def test_the_leader_sees_charts_whose_tables_match_the_json(signed_in: Callable[[str], Any]) -> None:
    page = signed_in("leader1")
    page.get_by_role("link", name="统计").first.click()
    expect(page.locator("#stats-dashboard[data-ready='1']")).to_be_attached()
    expect(page.locator("#chart-trend canvas")).to_have_count(1)
    api = page.locator("#stats-dashboard").get_attribute("data-api")
    data = page.evaluate("url => fetch(url).then(r => r.json())", api)
    overview = page.locator("#overview-table tbody tr")
    expect(overview).to_have_count(len(data["overview"]))
    accepted = page.locator("#overview-table tbody tr").first.locator("td").nth(1)
    expect(accepted).to_have_text(data["overview"]["accepted"]["display"])
    assert accepted.locator("a").get_attribute("title") == data["definitions"]["accepted"]["definition"]
    # The calls and the online desk beside the order measures, each number as in the JSON.
    for section in data["sections"]:
        lines = page.locator(f"#section-table-{section['key']} tbody tr")
        expect(lines).to_have_count(len(section["figures"]))
        for index, figure in enumerate(section["figures"]):
            expect(lines.nth(index).locator("td").nth(1)).to_have_text(figure["display"])
    assert {s["key"] for s in data["sections"]} == {"calls", "chats"}
    offered = page.locator("#section-table-calls tbody tr").first.locator("td").nth(1).locator("a")
    calls = next(s for s in data["sections"] if s["key"] == "calls")
    assert offered.get_attribute("href") == calls["figures"][0]["drill"]
    rows = page.locator("#table-category tbody tr")
    expect(rows).to_have_count(len(data["by_category"]))
    for index, row in enumerate(data["by_category"][:3]):
        cells = rows.nth(index).locator("td")
        expect(cells.nth(0)).to_have_text(row["name"])
        expect(cells.nth(1)).to_have_text(row["accepted"]["display"])
    screenshot(page, "stats-dashboard")
