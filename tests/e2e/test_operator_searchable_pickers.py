"""The long lists are searchable pickers, used from the keyboard: the unit by its pinyin
initials (zj → 市住房和城乡建设局), the area by a Chinese fragment with its tree path shown,
the category by the initials of its parent (yq → 疫情防控's leaves), and several assisting
units picked one after another on the order page."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from playwright.sync_api import expect

from tests.e2e.conftest import screenshot


def _type(page: Any, select_id: str, text: str) -> Any:
    """Tabs-free keyboard use: focus the picker's box, type, and return its open list."""
    box = page.locator(f"#{select_id}-ts-control")
    box.focus()
    box.press_sequentially(text)
    dropdown = page.locator(f"#{select_id}-ts-dropdown")
    expect(dropdown.locator(".option").first).to_be_visible()
    return dropdown


def test_the_dispatching_operator_picks_unit_area_and_category_by_keyboard(signed_in: Callable[[str], Any]) -> None:
    page = signed_in("dispatcher1")
    page.goto("/intake/new")

    options = _type(page, "id_lead_unit", "zj")
    expect(options.locator(".option").first).to_have_text("市住房和城乡建设局")
    page.keyboard.press("Enter")
    expect(page.locator("#id_lead_unit option:checked")).to_have_text("市住房和城乡建设局")

    options = _type(page, "id_area", "马家")
    first = options.locator(".option").first
    # The tree path says which 马家村 it is.
    expect(first).to_have_text(re.compile(r"青岚市\s*▸\s*石岛镇\s*▸\s*马家村"))
    page.keyboard.press("Enter")
    expect(page.locator("#id_area option:checked")).to_have_text(re.compile("马家村"))

    options = _type(page, "id_category", "yq")
    expect(options.locator(".option").first).to_contain_text("疫情防控")
    page.keyboard.press("ArrowDown")  # the second of 疫情防控's leaves
    second = options.locator(".option.active")
    chosen = second.locator(".picker-name").inner_text()
    page.keyboard.press("Enter")
    expect(page.locator("#id_category option:checked")).to_contain_text(chosen)
    expect(page.locator("#id_category option:checked")).to_contain_text("疫情防控")

    # Full pinyin finds the same unit, and nothing found says so.
    options = _type(page, "id_lead_unit", "zhujian")
    expect(options.locator(".option").first).to_have_text("市住房和城乡建设局")
    page.keyboard.press("Escape")
    page.locator("#id_lead_unit-ts-control").fill("xqzqxq")
    expect(page.locator("#id_lead_unit-ts-dropdown .no-results")).to_have_text("没有匹配的选项")
    screenshot(page, "intake-searchable-pickers")


def test_the_dispatcher_chooses_several_assisting_units(signed_in: Callable[[str], Any]) -> None:
    page = signed_in("dispatcher1")
    page.goto("/orders/dispatch/")
    link = page.locator("#pending-table a[href^='/orders/']").first
    number = (link.get_attribute("href") or "").strip("/").split("/")[-1]
    page.goto(f"/orders/{number}/")
    page.locator("#moves details:has(form[action$='/act/dispatch/']) > summary").click()
    form = page.locator("#moves form[action$='/act/dispatch/']")
    lead = form.locator("select[name='dispatch-lead_unit']")
    assisting = form.locator("select[name='dispatch-assisting_units']")
    lead_id = lead.get_attribute("id")
    assisting_id = assisting.get_attribute("id")

    options = _type(page, str(lead_id), "住建")
    expect(options.locator(".option").first).to_have_text("市住房和城乡建设局")
    page.keyboard.press("Enter")

    options = _type(page, str(assisting_id), "mzj")  # 市民政局 by the initials of 民政局
    expect(options.locator(".option").first).to_have_text("市民政局")
    page.keyboard.press("Enter")
    page.keyboard.type("城关")  # the box stays open for the next one
    expect(options.locator(".option").first).to_have_text("城关街道办事处")
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")
    expect(assisting.locator("option:checked")).to_have_text(["市民政局", "城关街道办事处"], ignore_case=False)
    screenshot(page, "order-dispatch-assisting-units")

    form.get_by_role("button", name="派单").click()
    expect(page.locator("body")).to_contain_text("已派单")
    expect(page.locator("body")).to_contain_text("市民政局")
    expect(page.locator("body")).to_contain_text("城关街道办事处")
