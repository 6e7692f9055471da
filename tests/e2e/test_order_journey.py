"""One order travels through the roles in a real browser: the operator takes the call and
dispatches it, the unit signs for it and replies, the hub accepts the reply, the callback agent
records a satisfied callback, and the order shows 已办结 with its whole timeline.

Each path is one test; they share the order through a module fixture and run in file order.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import ARTIFACTS, screenshot

CALLER = "13912345678"
CALLER_NAME = "王先生"
TITLE = "小区电梯故障一周无人维修"
CONTENT = "来电人反映：青岚市府前花园5号楼电梯故障已一周，物业一直说等配件，老人上下楼很困难，希望尽快修好。"
ADDRESS = "城关街道府前花园5号楼"
UNIT = "市住房和城乡建设局"
UNIT_HANDLER = "h-zj"
REPLY = "已联系物业公司更换电梯主板，电梯于当日恢复运行，已电话告知来电人。"
CALLBACK_COMMENT = "电梯已修好，很满意。"


@dataclass
class Journey:
    """What one path hands to the next."""

    number: str = ""
    done: list[str] = field(default_factory=list)

    def need(self, step: str) -> str:
        if step not in self.done:
            pytest.fail(f"needs the order from the path {step!r}, which did not pass")
        return self.number


@pytest.fixture(scope="module")
def journey() -> Journey:
    return Journey()


class Effort:
    """Counts what the operator does: a keystroke per character typed or key pressed, a click per click."""

    def __init__(self) -> None:
        self.keystrokes = 0
        self.clicks = 0

    def click(self, target: Any) -> None:
        target.click()
        self.clicks += 1

    def type(self, target: Any, text: str) -> None:
        target.press_sequentially(text)
        self.keystrokes += len(text)

    def press(self, target: Any, key: str) -> None:
        target.press(key)
        self.keystrokes += 1


def _move(page: Any, action: str) -> Any:
    """Opens the move's form on the order page (its <details>) and returns the form."""
    form = page.locator(f"#moves form[action$='/act/{action}/']")
    page.locator(f"#moves details:has(form[action$='/act/{action}/']) > summary").click()
    expect(form).to_be_visible()
    return form


def _open_from_queue(page: Any, queue: str, number: str, tab: str = "") -> None:
    """Opens the order from the person's queue page (and the queue's tab), as they would."""
    page.goto(queue)
    if tab:
        page.locator("main").get_by_role("link", name=re.compile(f"^\\s*{tab}")).click()
    link = page.locator(f"main a[href='/orders/{number}/']").first
    expect(link).to_be_visible()
    link.click()
    expect(page).to_have_url(re.compile(f"/orders/{number}/$"))


def test_1_operator_takes_the_call_and_dispatches_it(signed_in: Callable[[str], Any], journey: Journey) -> None:
    page = signed_in("operator1")
    # The softphone pops the intake page with the caller's number.
    page.goto(f"/intake/new?caller={CALLER}")
    expect(page.locator("#id_citizen_phone")).to_have_value(CALLER)

    effort = Effort()
    effort.click(page.locator("#id_citizen_name"))
    effort.type(page.locator("#id_citizen_name"), CALLER_NAME)
    effort.click(page.locator("#id_title"))
    effort.type(page.locator("#id_title"), TITLE)
    effort.press(page.locator("#id_title"), "Tab")
    expect(page.locator("#id_content")).to_be_focused()
    effort.type(page.locator("#id_content"), CONTENT)
    effort.press(page.locator("#id_content"), "Tab")
    expect(page.locator("#id_address")).to_be_focused()
    with page.expect_response(lambda r: "/intake/suggest" in r.url):
        effort.type(page.locator("#id_address"), ADDRESS)

    # The page suggests the category and, from the dispatch catalogue, the unit.
    suggestion = page.locator("#category-suggestions button[data-category]").first
    expect(suggestion).to_contain_text("电梯故障")
    expect(page.locator("#unit-suggestion")).to_contain_text(UNIT)
    # The suggestions are posted (what the caller said stays out of URLs): the chosen category is in the body.
    with page.expect_response(
        lambda r: "/intake/suggest" in r.url and re.search(r"(^|&)category=\d", r.request.post_data or "") is not None
    ):
        effort.click(suggestion)
    expect(page.locator("#id_category option:checked")).to_contain_text("电梯故障")
    expect(page.locator("#unit-suggestion")).to_contain_text(UNIT)
    effort.click(page.locator("#unit-suggestion button"))
    expect(page.locator("#id_lead_unit option:checked")).to_contain_text(UNIT)
    screenshot(page, "1-operator-intake-form")
    effort.click(page.get_by_role("button", name="直接派单"))

    expect(page.locator("#new-order-state")).to_have_text("已派单")
    journey.number = page.locator("#new-order-number").inner_text().strip()
    assert re.fullmatch(r"\d{13}", journey.number), journey.number

    figures = f"intake keystrokes={effort.keystrokes} clicks={effort.clicks}"
    print(figures)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "intake_effort.txt").write_text(
        f"{figures}\n"
        f"typed: caller name {len(CALLER_NAME)}, title {len(TITLE)}, content {len(CONTENT)}, "
        f"address {len(ADDRESS)} characters, 2 Tab presses; the caller's number came from the softphone\n"
        "clicks: name field, title field, suggested category, use suggested unit, 直接派单\n",
        encoding="utf-8",
    )
    screenshot(page, "1-operator-intake-done")
    journey.done.append("intake")


def test_2_unit_signs_for_it_and_replies(signed_in: Callable[[str], Any], journey: Journey) -> None:
    number = journey.need("intake")
    page = signed_in(UNIT_HANDLER)
    _open_from_queue(page, "/orders/inbox/", number)
    expect(page.locator("#order-state")).to_have_text("已派单")

    _move(page, "sign").get_by_role("button", name="签收").click()
    expect(page.locator("#order-state")).to_have_text("已签收")

    form = _move(page, "reply")
    form.get_by_label("办理结果").select_option(label="已解决")
    form.get_by_label("答复内容").fill(REPLY)
    form.get_by_role("button", name="答复").click()
    expect(page.locator("#order-state")).to_have_text("已答复")
    screenshot(page, "2-unit-replied")
    journey.done.append("reply")


def test_3_hub_accepts_the_reply(signed_in: Callable[[str], Any], journey: Journey) -> None:
    number = journey.need("reply")
    page = signed_in("dispatcher1")
    _open_from_queue(page, "/orders/dispatch/", number, tab="答复审核")
    expect(page.locator("#order-state")).to_have_text("已答复")
    expect(page.locator("main")).to_contain_text(REPLY)

    form = _move(page, "accept_reply")
    form.get_by_label("意见").fill("答复属实，同意办结。")
    form.get_by_role("button", name="审核通过").click()
    expect(page.locator("#order-state")).to_have_text("待回访")
    screenshot(page, "3-hub-accepted")
    journey.done.append("review")


def test_4_callback_agent_records_a_satisfied_callback(signed_in: Callable[[str], Any], journey: Journey) -> None:
    number = journey.need("review")
    page = signed_in("callback1")
    _open_from_queue(page, "/orders/callbacks/", number)
    expect(page.locator("#order-state")).to_have_text("待回访")
    # The callback agent sees whom to call.
    expect(page.locator("#contact")).to_contain_text(CALLER)

    form = _move(page, "record_callback")
    form.get_by_label("已解决").check()
    form.get_by_label("满意", exact=True).check()
    form.get_by_label("群众意见").fill(CALLBACK_COMMENT)
    form.get_by_role("button", name="保存回访").click()
    expect(page.locator("#order-state")).to_have_text("已办结")
    screenshot(page, "4-callback-recorded")
    journey.done.append("callback")


def test_5_order_shows_closed_with_its_whole_timeline(signed_in: Callable[[str], Any], journey: Journey) -> None:
    number = journey.need("callback")
    # The first taker owns the order until it is done (首接负责制) and sees how it ended.
    page = signed_in("operator1")
    page.goto("/")
    page.locator("#global-search").fill(number)
    page.locator("#global-search").press("Enter")
    page.locator(f"main a[href='/orders/{number}/']").first.click()

    expect(page.locator("#order-state")).to_have_text("已办结")
    main = page.locator("main")
    for text in (TITLE, CONTENT, REPLY, UNIT, "已解决", "满意"):
        expect(main).to_contain_text(text)
    # Received, dispatched, signed, replied, accepted, called back — in that order.
    states = [t.strip().lstrip("→").strip() for t in page.locator("#timeline > li span.text-muted").all_inner_texts()]
    for expected in ("已派单", "已签收", "已答复", "待回访", "已办结"):
        assert expected in states, (expected, states)
    assert states[-1] == "已办结", states
    order = [states.index(s) for s in ("已派单", "已签收", "已答复", "待回访", "已办结")]
    assert order == sorted(order), states
    expect(page.locator("#timeline")).to_contain_text(UNIT)
    expect(page.locator("#timeline")).to_contain_text("满意")
    screenshot(page, "5-order-closed-timeline")
