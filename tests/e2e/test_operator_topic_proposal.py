"""Topic checkboxes at intake: clicking the topic's name ticks it, and choosing a category
under 疫情防控 proposes 涉疫 (ticked and marked as proposed); the operator may untick it, and
it is not proposed again for that category."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from playwright.sync_api import expect


def _choose_category(page: Any, text: str) -> None:
    box = page.locator("#id_category-ts-control")
    box.focus()
    box.press_sequentially(text)
    expect(page.locator("#id_category-ts-dropdown .option").first).to_contain_text(text)
    box.press("Enter")


def test_a_category_proposes_its_topic_and_labels_tick_boxes(signed_in: Callable[[str], Any]) -> None:
    page = signed_in("operator1")
    page.goto("/intake/new")
    elderly = page.locator("label.topic-box", has_text="为老服务")
    elderly_box = elderly.locator("input[type=checkbox]")
    elderly.click()
    expect(elderly_box).to_be_checked()
    elderly.click()
    expect(elderly_box).not_to_be_checked()

    epidemic = page.locator("label.topic-box", has_text="涉疫")
    epidemic_box = epidemic.locator("input[type=checkbox]")
    expect(epidemic_box).not_to_be_checked()
    _choose_category(page, "核酸检测")
    expect(epidemic_box).to_be_checked()
    expect(epidemic).to_have_class("me-2 small topic-box topic-proposed")
    expect(epidemic).to_contain_text("按分类建议")

    # The operator knows better: untick it by its name; it stays unticked for this category.
    epidemic.get_by_text("涉疫").click()
    expect(epidemic_box).not_to_be_checked()
    expect(epidemic).not_to_contain_text("按分类建议")
    _choose_category(page, "停水")
    _choose_category(page, "核酸检测")
    expect(epidemic_box).not_to_be_checked()

    # Another epidemic category proposes it again; a category outside withdraws the proposal.
    _choose_category(page, "疫苗接种")
    expect(epidemic_box).to_be_checked()
    _choose_category(page, "停电")
    expect(epidemic_box).not_to_be_checked()
    expect(elderly_box).not_to_be_checked()
