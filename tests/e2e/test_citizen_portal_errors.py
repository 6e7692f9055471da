"""On a phone (390 × 844) a refused submission lists its errors at the top and scrolls to the
first field in error."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect


@pytest.fixture
def phone(browser: Any, live_app: str) -> Iterator[Any]:
    context = browser.new_context(
        base_url=live_app, locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True
    )
    yield context.new_page()
    context.close()


def test_errors_are_summarised_and_the_first_is_in_view(phone: Any) -> None:
    phone.goto("/portal/submit")
    phone.get_by_role("button", name="提交", exact=True).click()
    summary = phone.locator("#error-summary")
    expect(summary).to_be_attached()
    assert summary.locator("li").count() >= 2
    first = phone.locator(".invalid-feedback").first
    # The page scrolls to the first error once it is drawn: wait for that, then measure.
    phone.wait_for_function(
        "() => { const e = document.querySelector('.invalid-feedback');"
        " if (!e) return false; const r = e.getBoundingClientRect(); return r.top >= 0 && r.top < innerHeight; }"
    )
    box = first.bounding_box()
    assert box is not None and 0 <= box["y"] < 844, box
