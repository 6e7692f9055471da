"""The operator answers on the call from the knowledge base: a suggestion appears while typing,
one click puts its answer into 即时答复, and the closed order counts as a use of the article."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from playwright.sync_api import expect

from tests.e2e.conftest import screenshot


def test_an_answer_from_the_knowledge_base_closes_the_call(signed_in: Callable[[str], Any]) -> None:
    page = signed_in("operator2")
    page.goto("/knowledge/search/?q=公积金怎么取出来买房")
    first = page.locator("#results a").first
    expect(first).to_have_text("购买自住住房提取住房公积金")
    article = (first.get_attribute("href") or "").strip("/").split("/")[-1]
    first.click()
    before = int(page.locator("#use-count").inner_text())

    page.goto("/intake/new?caller=13800002222")
    page.locator("#id_title").press_sequentially("公积金怎么取出来买房")
    page.locator("#id_content").press_sequentially("想用公积金付首付，问怎么提取。")
    use = page.locator(f'.kb-use[data-article="{article}"]')
    expect(use).to_be_visible()
    use.click()
    expect(page.locator("#id_answer")).to_have_value(re.compile("购房合同签订"))
    expect(page.locator(f'#kb-used input[name="article"][value="{article}"]')).to_have_count(1)
    screenshot(page, "intake-kb-answer-used")
    page.locator('button[name="intent"][value="answer"]').click()
    expect(page).to_have_url(re.compile(r"/intake/done/"))

    page.goto(f"/knowledge/{article}/")
    expect(page.locator("#use-count")).to_have_text(str(before + 1))
