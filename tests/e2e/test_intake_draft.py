"""An accidental reload (F5, a crashed tab) must not cost the operator what the caller said."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from playwright.sync_api import expect

from tests.e2e.conftest import screenshot

TITLE = "路灯不亮已经三天"
CONTENT = "南关社区人民路与新华街路口的两盏路灯连续三天晚上不亮，行人过马路很危险。"


def test_a_draft_survives_a_reload_of_the_intake_page(signed_in: Callable[[str], Any]) -> None:
    page = signed_in("operator2")
    page.goto("/intake/new?caller=13800001111")
    page.locator("#id_title").press_sequentially(TITLE)
    page.locator("#id_content").press_sequentially(CONTENT)
    page.locator("#id_urgency").select_option("urgent")

    page.reload()

    expect(page.locator("#id_title")).to_have_value(TITLE)
    expect(page.locator("#id_content")).to_have_value(CONTENT)
    expect(page.locator("#id_urgency")).to_have_value("urgent")
    expect(page.locator("#id_citizen_phone")).to_have_value("13800001111")
    expect(page.locator("[data-draft-note]")).to_be_visible()
    expect(page.locator("[data-draft-note]")).to_contain_text("已恢复上次未提交的内容")
    screenshot(page, "intake-draft-after-reload")
