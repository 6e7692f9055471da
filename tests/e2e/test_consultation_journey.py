"""A difficult order's consultation (疑难件会商) in a real browser, from convening to the
binding decision: the dispatcher marks the order difficult and convenes two units, each
unit finds it in its inbox and states its view, the dispatcher decides lead and assisting
units, and the decided lead unit can no longer return it.

Each step is one test; they share the order through a module fixture and run in file order.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import screenshot

TITLE = "小区围墙倒塌无人管"
CONTENT = "来电人反映：府前花园北侧围墙倒塌一周，住建和城管都说不归自己管，存在安全隐患，希望尽快处理。"
LEAD = "市住房和城乡建设局"
ASSIST = "市城市管理局"
VIEWS = {
    "h-zj": "围墙属小区共用设施，由物业维修，本局可督促物业并提供技术指导。",
    "h-cg": "围墙倒塌未占用市政道路，不属城管执法范围，可配合清理现场。",
}
DECISION = "经会商：由市住房和城乡建设局主办，督促物业三日内修复；市城市管理局协办，配合清理现场。"


@dataclass
class Case:
    number: str = ""
    done: list[str] = field(default_factory=list)

    def need(self, step: str) -> str:
        if step not in self.done:
            pytest.fail(f"needs the order from the step {step!r}, which did not pass")
        return self.number


@pytest.fixture(scope="module")
def case() -> Case:
    return Case()


def _move(page: Any, action: str) -> Any:
    form = page.locator(f"#moves form[action$='/act/{action}/']")
    page.locator(f"#moves details:has(form[action$='/act/{action}/']) > summary").click()
    expect(form).to_be_visible()
    return form


def test_1_an_order_reaches_a_unit(signed_in: Callable[[str], Any], case: Case) -> None:
    page = signed_in("operator1")
    page.goto("/intake/new?caller=13912340000")
    page.locator("#id_citizen_name").fill("李女士")
    page.locator("#id_title").fill(TITLE)
    page.locator("#id_content").fill(CONTENT)
    page.locator("#id_lead_unit").select_option(label=LEAD)
    page.get_by_role("button", name="直接派单").click()
    expect(page.locator("#new-order-state")).to_have_text("已派单")
    case.number = page.locator("#new-order-number").inner_text().strip()
    assert re.fullmatch(r"\d{13}", case.number), case.number
    case.done.append("dispatched")


def test_2_the_hub_marks_it_difficult_and_convenes_the_units(signed_in: Callable[[str], Any], case: Case) -> None:
    number = case.need("dispatched")
    page = signed_in("dispatcher1")
    page.goto(f"/orders/{number}/")

    form = _move(page, "mark_difficult")
    form.get_by_label("理由").fill("围墙产权与管养职责交叉，两单位互相推诿。")
    form.get_by_role("button", name="标记疑难件").click()
    expect(page.locator(".alert-success")).to_contain_text("已标记疑难件")

    form = _move(page, "convene_consultation")
    form.get_by_label("参加会商的单位").select_option(label=[LEAD, ASSIST])
    form.get_by_label("意见时限").fill("1")
    form.get_by_label("会商事由").fill("请两单位说明职责依据，中心据此确定主办、协办单位。")
    form.get_by_role("button", name="发起会商").click()

    expect(page.locator("#order-state")).to_have_text("会商中")
    card = page.locator("#consultation")
    expect(card.locator(".consult-seat")).to_have_count(2)
    expect(card).to_contain_text("待提交")
    screenshot(page, "consultation-1-convened")
    case.done.append("convened")


@pytest.mark.parametrize("handler", ["h-zj", "h-cg"])
def test_3_each_unit_states_its_view_from_its_inbox(signed_in: Callable[[str], Any], case: Case, handler: str) -> None:
    number = case.need("convened")
    page = signed_in(handler)
    page.goto("/orders/inbox/")
    page.locator("main").get_by_role("link", name=re.compile(r"^\s*会商待提交意见")).click()
    link = page.locator(f"main a[href='/orders/{number}/']").first
    expect(link).to_be_visible()
    link.click()

    form = _move(page, "give_view")
    form.get_by_label("会商意见").fill(VIEWS[handler])
    form.get_by_role("button", name="提交会商意见").click()

    expect(page.locator("#consultation")).to_contain_text(VIEWS[handler])
    case.done.append(f"view:{handler}")


def test_4_the_hub_decides_and_the_decision_binds(signed_in: Callable[[str], Any], case: Case) -> None:
    number = case.need("convened")
    for handler in VIEWS:
        case.need(f"view:{handler}")
    page = signed_in("dispatcher1")
    page.goto(f"/orders/{number}/")
    card = page.locator("#consultation")
    for view in VIEWS.values():
        expect(card).to_contain_text(view)

    form = _move(page, "decide_consultation")
    form.locator("select[name$='-lead_unit']").select_option(label=LEAD)  # under its picker
    form.locator("select[name$='-assisting_units']").select_option(label=[ASSIST])
    form.get_by_label("会商决定").fill(DECISION)
    form.get_by_role("button", name="作出会商决定").click()

    expect(page.locator("#order-state")).to_have_text("已派单")
    decision = page.locator("#consultation-decision")
    expect(decision).to_contain_text(LEAD)
    expect(decision).to_contain_text(ASSIST)
    expect(decision).to_contain_text(DECISION)
    screenshot(page, "consultation-2-decided")
    case.done.append("decided")


def test_5_the_decided_lead_unit_cannot_return_it(signed_in: Callable[[str], Any], case: Case) -> None:
    number = case.need("decided")
    page = signed_in("h-zj")
    page.goto(f"/orders/{number}/")
    _move(page, "sign").get_by_role("button", name="签收").click()
    expect(page.locator("#order-state")).to_have_text("已签收")

    form = _move(page, "request_return")
    form.get_by_label("退单理由").fill("仍认为不属本局职责。")
    form.get_by_role("button", name="申请退单").click()

    expect(page.locator("#moves")).to_contain_text("会商决定具有约束力，不能退单")
    expect(page.locator("#order-state")).to_have_text("已签收")
    screenshot(page, "consultation-3-return-refused")
