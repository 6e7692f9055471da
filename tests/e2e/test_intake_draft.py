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


def test_the_next_call_starts_clean_and_keeps_its_own_draft(signed_in: Callable[[str], Any]) -> None:
    page = signed_in("operator2")
    page.goto("/intake/new?caller=13800001111&call_id=e2e-call-a")
    page.locator("#id_citizen_name").fill("钱先生")
    page.locator("#id_title").press_sequentially(TITLE)
    page.locator("#id_content").press_sequentially(CONTENT)

    # The operator leaves without sending; the next screen-pop is another caller.
    page.goto("/intake/new?caller=13900002222&call_id=e2e-call-b")
    expect(page.locator("#id_citizen_phone")).to_have_value("13900002222")
    expect(page.locator("#id_citizen_name")).to_have_value("")
    expect(page.locator("#id_title")).to_have_value("")
    expect(page.locator("#id_content")).to_have_value("")
    expect(page.locator("[data-draft-note]")).to_be_hidden()

    # Back on the first call, its draft is still there.
    page.goto("/intake/new?caller=13800001111&call_id=e2e-call-a")
    expect(page.locator("#id_title")).to_have_value(TITLE)
    expect(page.locator("#id_citizen_name")).to_have_value("钱先生")
    screenshot(page, "intake-draft-per-call")


def test_the_clear_button_starts_the_call_over_and_forgets_the_draft(signed_in: Callable[[str], Any]) -> None:
    page = signed_in("operator2")
    page.goto("/intake/new?caller=13800003333&call_id=e2e-call-c")
    page.locator("#id_title").press_sequentially(TITLE)
    page.locator("#id_content").press_sequentially(CONTENT)
    clear = page.get_by_role("link", name="清空 / 新来电")
    expect(clear).to_be_visible()
    clear.click()
    expect(page.locator("#id_title")).to_have_value("")
    expect(page.locator("#id_content")).to_have_value("")
    expect(page.locator("#id_citizen_phone")).to_have_value("13800003333")
    page.reload()
    expect(page.locator("#id_title")).to_have_value("")
    expect(page.locator("[data-draft-note]")).to_be_hidden()


def test_a_server_side_error_shows_what_was_sent_without_the_restore_banner(signed_in: Callable[[str], Any]) -> None:
    page = signed_in("operator2")
    page.goto("/intake/new?caller=13800004444&call_id=e2e-call-d")
    page.locator("#id_title").press_sequentially(TITLE)
    page.locator("#id_content").press_sequentially(CONTENT)
    # 即时办结 without an answer: only the server can say what is missing.
    page.get_by_role("button", name="即时办结").click()
    expect(page.locator(".field-error").first).to_contain_text("即时办结需要填写答复内容")
    expect(page.locator("#id_title")).to_have_value(TITLE)
    expect(page.locator("[data-draft-note]")).to_be_hidden()


def test_a_long_paste_is_kept_whole_with_a_counter(signed_in: Callable[[str], Any]) -> None:
    page = signed_in("operator2")
    page.goto("/intake/new?caller=13800005555&call_id=e2e-call-e")
    pasted = ("南关社区人民路路灯不亮，" * 1000)[:10_000]
    page.locator("#id_content").fill(pasted)
    expect(page.locator("#id_content")).to_have_js_property("value", pasted)
    expect(page.locator('[data-counter-for="id_content"]')).to_have_text("10000 / 5000")
    page.locator("#id_title").fill(TITLE)
    page.get_by_role("button", name="提交派单员").click()
    expect(page.locator('[role="alert"]').filter(has_text="不能超过 5000 个字（现有 10000 个）")).to_be_visible()
    expect(page.locator("#id_content")).to_have_js_property("value", pasted)
