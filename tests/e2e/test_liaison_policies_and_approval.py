"""A liaison officer in a browser: from their companies' measures to one company's page (the
measures it may qualify for, with the conditions to confirm), then to the company's parallel
approval and its status page with every department's state and deadline."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from playwright.sync_api import expect

from tests.e2e.conftest import screenshot


def test_the_officer_finds_a_companys_measures_and_opens_its_application(signed_in: Callable[[str], Any]) -> None:
    page = signed_in("liaison1")
    page.goto("/policies/mine/")
    card = page.locator(".card", has_text="青岚海洋食品有限公司").first
    expect(card).to_contain_text("工业企业技术改造设备投资奖补")
    card.get_by_role("link", name="青岚海洋食品有限公司").click()

    expect(page.locator("#company-name")).to_have_text("青岚海洋食品有限公司")
    expect(page.locator("#company-policies")).to_contain_text("工业企业技术改造设备投资奖补")
    expect(page.locator("#company-policies")).not_to_contain_text("住宿餐饮消费券补贴")
    screenshot(page, "liaison-company-policies")

    page.locator("#company-applications").click()
    page.get_by_role("link", name="冷链仓储中心扩建项目").click()
    expect(page.locator("#application-name")).to_contain_text("冷链仓储中心扩建项目")
    rows = page.locator("#departments tbody tr")
    expect(rows).to_have_count(3)
    expect(page.locator("#departments")).to_contain_text("市生态环境分局")
    expect(page.locator("#departments .dept-given")).to_have_count(3)
    expect(page.locator("#own-part-only")).to_have_count(0)
    screenshot(page, "liaison-application-status")
