"""A reviewer at the hub sees why a unit's reply failed the checks, right in the board's reply
queue, and accepts it anyway only after writing down why (the reason is kept in the timeline)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from playwright.sync_api import expect

from tests.e2e.conftest import screenshot

UNIT = "市住房和城乡建设局"
RUDE = "瞎投诉，这事不归我们管。"
REASON = "已电话核实单位已现场处置，用语问题另行通报。"


def test_the_reviewer_sees_the_flags_and_accepts_anyway_with_a_reason(signed_in: Callable[[str], Any]) -> None:
    operator = signed_in("operator1")
    operator.goto("/intake/new?caller=13955550123")
    operator.locator("#id_title").fill("府前花园门口路灯不亮")
    operator.locator("#id_content").fill("城关街道府前花园小区门口三盏路灯一周不亮，晚上出行不安全，请尽快修复。")
    operator.locator("#id_lead_unit").select_option(label=UNIT)
    operator.get_by_role("button", name="直接派单").click()
    expect(operator.locator("#new-order-state")).to_have_text("已派单")
    number = operator.locator("#new-order-number").inner_text().strip()

    unit = signed_in("h-zj")
    unit.goto(f"/orders/{number}/")
    unit.locator("#moves details:has(form[action$='/act/sign/']) > summary").click()
    unit.locator("#moves form[action$='/act/sign/']").get_by_role("button", name="签收").click()
    expect(unit.locator("#order-state")).to_have_text("已签收")
    unit.locator("#moves details:has(form[action$='/act/reply/']) > summary").click()
    reply = unit.locator("#moves form[action$='/act/reply/']")
    reply.get_by_label("办理结果").select_option(label="已解决")
    reply.get_by_label("答复内容").fill(RUDE)
    reply.get_by_role("button", name="答复").click()
    expect(unit.locator("#order-state")).to_have_text("已答复")

    page = signed_in("dispatcher1")
    page.goto("/orders/dispatch/?tab=replies")
    row = page.locator(f"#review-{number}")
    expect(row).to_contain_text("答复质量检查：未通过")
    expect(row.locator("[data-check=tone]").first).to_contain_text("瞎投诉")
    expect(row).to_contain_text("不归我们管")
    expect(row.locator("[data-check=contradiction], [data-check=completeness]").first).to_be_visible()
    screenshot(page, "reply-quality-flags")

    row.locator("details:has(form[action$='/accept_reply/']) > summary").click()
    form = row.locator("form[action$='/accept_reply/']")
    form.get_by_role("button", name="审核通过").click()
    # Refused in place: the reason is asked for, next to its field, and the order is still waiting.
    row = page.locator(f"#review-{number}")
    expect(row.locator("form[action$='/accept_reply/']")).to_contain_text("请填写理由")
    form = row.locator("form[action$='/accept_reply/']")
    form.get_by_label("质量提示仍予通过的理由").fill(REASON)
    form.get_by_role("button", name="审核通过").click()
    expect(page.locator(f"#review-{number}")).to_contain_text(re.compile("已审核通过"))

    page.goto(f"/orders/{number}/")
    expect(page.locator("#order-state")).to_have_text("待回访")
    expect(page.locator("#timeline")).to_contain_text(REASON)
    screenshot(page, "reply-quality-accepted-with-reason")
