"""Bulk dispatch pressed at the bottom of a long board: the results come into view."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from playwright.sync_api import expect

IN_VIEW = """el => { const r = el.getBoundingClientRect(); return r.top >= -1 && r.top < window.innerHeight; }"""


def test_the_results_are_scrolled_into_view(signed_in: Callable[[str], Any]) -> None:
    page = signed_in("dispatcher1")
    page.goto("/orders/dispatch/?tab=pending")
    boxes = page.locator("#pending-table tbody input[name=selected]")
    expect(boxes.first).to_be_visible()
    boxes.first.check()
    # A short viewport so the button is far from the results' place at the top.
    page.set_viewport_size({"width": 1366, "height": 400})
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    page.get_by_role("button", name="派发所选工单").click()
    results = page.locator("#dispatch-results")
    expect(results).to_be_visible()
    page.wait_for_function("() => document.querySelector('#dispatch-results[data-scrolled]') !== null")
    # Scrolling settles after the swap (the board's other panels may still be drawn): wait for
    # the results to be in view; a page that leaves them off-screen times out here.
    page.wait_for_function(
        "() => { const el = document.querySelector('#dispatch-results'); const r = el.getBoundingClientRect();"
        " return r.top >= -1 && r.top < window.innerHeight; }"
    )
    assert results.evaluate(IN_VIEW), "the results are off-screen"
