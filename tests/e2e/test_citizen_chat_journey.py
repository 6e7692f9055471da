"""网上一对一 in the browser: a citizen on a 390×844 phone starts a chat from the portal, an
operator takes it from the queue and answers, the answer reaches the phone by polling, and
the operator turns the conversation into an order whose content is the transcript."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import CAPTCHA_TEST_ANSWER, TIMEOUT_MS, screenshot

PHONE_VIEWPORT = {"width": 390, "height": 844}
QUESTION = "城关街道和平路的公交站牌被风刮倒了，请问该找哪个部门？"
FOLLOW_UP = "就在和平路中学门口那一站。"
REPLY = "您好，请问是哪一站？我们登记后转交相关部门处理。"


@pytest.fixture
def phone(browser: Any, live_app: str) -> Iterator[Any]:
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
    context.close()


def test_a_citizen_chats_on_a_phone_and_the_operator_makes_an_order(
    phone: Any, signed_in: Callable[[str], Any]
) -> None:
    citizen = phone
    citizen.goto("/chat/")
    expect(citizen.locator("#chat-start-form")).to_be_visible()
    citizen.locator("#id_citizen_phone").fill("13906317788")
    citizen.locator("#id_text").fill(QUESTION)
    citizen.locator("#id_captcha_answer").fill(CAPTCHA_TEST_ANSWER)
    citizen.locator("#chat-start").click()
    expect(citizen.locator("#chat-waiting")).to_be_visible()
    expect(citizen.locator("#chat-log")).to_contain_text(QUESTION)
    # Nothing sticks out sideways on a narrow screen.
    assert citizen.evaluate("document.documentElement.scrollWidth") <= PHONE_VIEWPORT["width"]

    # The portal (and so the chat) goes to the highest staffed hub: the prefecture's center in the demo.
    operator = signed_in("p-operator1")
    operator.goto("/chat/desk/")
    row = operator.locator(".chat-waiting-row", has_text=QUESTION[:12])
    expect(row).to_be_visible()
    row.locator(".chat-take").click()
    expect(operator).to_have_url(re.compile(r"/chat/desk/\d+/$"))
    expect(operator.locator("#chat-log")).to_contain_text(QUESTION)
    expect(operator.locator("#kb-answers-panel")).to_be_visible()

    operator.locator("#id_answer").fill(REPLY)
    operator.locator("#chat-say").click()
    expect(operator.locator("#chat-log")).to_contain_text(REPLY)
    expect(operator.locator("#id_answer")).to_have_value("")

    # The answer reaches the phone by polling; the citizen writes back.
    expect(citizen.locator("#chat-log")).to_contain_text(REPLY)
    expect(citizen.locator("#chat-taken")).to_be_visible()
    citizen.locator("#id_text").fill(FOLLOW_UP)
    citizen.locator("#chat-send-button").click()
    expect(citizen.locator("#chat-log")).to_contain_text(FOLLOW_UP)
    expect(citizen.locator("#id_text")).to_have_value("")
    screenshot(citizen, "chat-citizen-phone")
    expect(operator.locator("#chat-log")).to_contain_text(FOLLOW_UP)

    operator.locator("#id_request_type").select_option("help")
    operator.locator("#chat-order").click()
    expect(operator.locator(".alert-success")).to_contain_text("已受理")
    number = re.search(r"\d{13}", operator.locator(".alert-success").inner_text())
    assert number is not None
    operator.goto(f"/orders/{number.group(0)}/")
    # The order's content is the transcript: every message, nothing retyped.
    body = operator.locator("body")
    for said in (QUESTION, REPLY, FOLLOW_UP):
        expect(body).to_contain_text(said)
    expect(operator.locator("#order-chat")).to_be_visible()

    # The phone hears how it ended, with the number to track.
    expect(citizen.locator("#chat-log")).to_contain_text(number.group(0))
    assert citizen.evaluate("document.documentElement.scrollWidth") <= PHONE_VIEWPORT["width"]
