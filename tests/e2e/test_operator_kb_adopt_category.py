"""采用 on a knowledge-base answer at intake also chooses the article's category (shown in the
searchable picker), which in turn asks for the unit suggestion of that category."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from playwright.sync_api import expect


def test_adopting_an_answer_fills_its_category(signed_in: Callable[[str], Any]) -> None:
    page = signed_in("operator2")
    page.goto("/intake/new?caller=13800003333")
    page.locator("#id_title").press_sequentially("公积金怎么取出来买房")
    page.locator("#id_content").press_sequentially("想用公积金付首付，问怎么提取。")
    card = page.locator(".kb-answer", has_text="购买自住住房提取住房公积金").first
    expect(card).to_be_visible()
    with page.expect_response(
        lambda r: "/intake/suggest" in r.url and re.search(r"(^|&)category=\d", r.request.post_data or "") is not None
    ):
        card.locator(".kb-use").click()
    expect(page.locator("#id_category option:checked")).to_contain_text("公积金提取")
    wrapper = page.locator("#id_category + .ts-wrapper .ts-control")
    expect(wrapper).to_contain_text("公积金提取")
