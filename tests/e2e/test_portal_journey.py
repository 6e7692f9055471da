"""A citizen on a phone: submits a request on the portal (captcha included), gets the order
number, and tracks it with the phone's last four digits."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import CAPTCHA_TEST_ANSWER, TIMEOUT_MS, screenshot

PHONE_VIEWPORT = {"width": 390, "height": 844}
CONTENT = "城关街道幸福路小区门口的井盖松动，车辆压过哐哐响，晚上很吵，也怕有人踩空。"


@pytest.fixture
def phone(browser: Any, live_app: str, request: pytest.FixtureRequest) -> Iterator[Any]:
    context = browser.new_context(
        base_url=live_app,
        locale="zh-CN",
        viewport=PHONE_VIEWPORT,
        is_mobile=True,
        has_touch=True,
        device_scale_factor=2,
    )
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    yield page
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        with contextlib.suppress(Exception):
            screenshot(page, f"FAILED-{request.node.name}")
    context.close()


def test_submit_with_captcha_then_track_on_a_phone(phone: Any) -> None:
    page = phone
    page.goto("/portal/")
    page.get_by_role("link", name="我要反映问题").click()
    expect(page.locator("img.captcha-image")).to_be_visible()
    # The picture loads (same site, allowed by the Content-Security-Policy): waited for, since
    # "visible" is true of the <img> before its bytes arrive; a blocked picture never loads.
    page.wait_for_function(
        "() => { const i = document.querySelector('img.captcha-image'); return i && i.complete && i.naturalWidth > 0; }"
    )

    page.get_by_label("投诉").check()
    page.locator("#id_content").fill(CONTENT)
    expect(page.locator('[data-counter-for="id_content"]')).to_contain_text(f"{len(CONTENT)} / 2000")
    page.locator("#id_address").fill("城关街道幸福路小区东门")
    page.locator("#id_citizen_phone").fill("13906319876")
    page.locator("#id_captcha_answer").fill(CAPTCHA_TEST_ANSWER)
    # Nothing sticks out sideways on a narrow screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_VIEWPORT["width"]
    screenshot(page, "portal-submit-phone")
    page.get_by_role("button", name="提交", exact=True).click()

    expect(page.get_by_text("提交成功，您的诉求已受理")).to_be_visible()
    number = page.locator("#order-number").inner_text().strip()
    assert re.fullmatch(r"\d{13}", number)
    screenshot(page, "portal-submitted-phone")

    # A new visit, as from the tracking link: the number is filled in, the digits are asked for.
    page.context.clear_cookies()
    page.goto(page.locator("#track-link").get_attribute("href"))
    expect(page.locator("#id_number")).to_have_value(number)
    page.locator("#id_last_four").fill("9876")
    page.get_by_role("button", name="查询").click()

    expect(page.locator("#order-status")).to_contain_text("已受理")
    expect(page.locator("#order-progress")).to_contain_text("诉求已受理")
    expect(page.get_by_role("button", name="提交补充")).to_be_visible()
    screenshot(page, "portal-track-phone")
