"""A liaison officer in a browser: from their companies' measures to one company's page (the
measures it may qualify for, with the conditions to confirm), then to the company's parallel
approval and its status page with every department's state and deadline; and the officer
opening a new application for the company through its form."""

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
    expect(rows).to_have_count(4)  # the lead department and the three approving ones
    expect(page.locator("#departments")).to_contain_text("市生态环境分局")
    expect(page.locator("#departments .dept-given")).to_have_count(3)
    expect(page.locator("#departments .lead-assembled")).to_have_count(1)
    expect(page.locator("#own-part-only")).to_have_count(0)
    screenshot(page, "liaison-application-status")


def test_the_officer_opens_an_application_for_their_company(signed_in: Callable[[str], Any]) -> None:
    page = signed_in("liaison1")
    page.goto("/approvals/")
    page.locator("#nav-open-application").click()
    page.locator("#id_enterprise").fill("青岚海洋食品有限公司")
    page.locator("#id_name").fill("冷库二期扩建项目")
    page.locator("#id_lead_unit").select_option(label="市行政审批服务局")  # under its picker
    page.locator("#id_lead_days").fill("10")
    page.locator("#id_unit_1").select_option(label="市自然资源和规划局")
    page.locator("#id_days_1").fill("5")
    page.locator("#id_unit_2").select_option(label="市自然资源和规划局")  # listed twice by mistake
    page.locator("#id_days_2").fill("7")
    page.locator("#open-application-submit").click()

    expect(page.locator("#open-application")).to_contain_text("该部门已在上面列出。")
    expect(page.locator("#id_name")).to_have_value("冷库二期扩建项目")  # nothing typed is lost
    page.locator("#id_unit_2").select_option(label="市生态环境分局")
    page.locator("#open-application-submit").click()

    expect(page.locator("#application-name")).to_contain_text("冷库二期扩建项目")
    expect(page.locator("#departments tbody tr")).to_have_count(3)
    expect(page.locator("#departments .dept-waiting")).to_have_count(2)
    expect(page.locator("#lead-row")).to_contain_text("市行政审批服务局")
    screenshot(page, "liaison-opened-application")
