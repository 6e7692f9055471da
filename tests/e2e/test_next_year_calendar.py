"""The demo's admin sees that next year's working calendar is missing, pastes the State
Council notice, checks the preview against its sentences and saves; the warning is gone."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from playwright.sync_api import expect

from tests.e2e.conftest import screenshot

_WEEKDAYS = "一二三四五六日"


def _notice(year: int) -> str:
    """The form of the notice (the issue's example), with the weekdays that year really has."""

    def weekday(month: int, day: int) -> str:
        return "周" + _WEEKDAYS[date(year, month, day).weekday()]

    return (
        f"国务院办公厅关于{year}年部分节假日安排的通知\n"
        f"一、元旦：1月1日（{weekday(1, 1)}）放假，与周末连休。\n"
        f"二、春节：2月6日至13日放假调休，共8天。2月14日（{weekday(2, 14)}）上班。\n"
    )


def test_the_admin_enters_next_year_from_the_notice(signed_in: Callable[[str], Any]) -> None:
    page = signed_in("admin")
    warning = page.locator("#calendar-warning")
    # The chinese-calendar data ends with 2026: from December 2026 on there is always a year to enter.
    expect(warning).to_be_visible()
    year = int(warning.get_attribute("data-year") or 0)
    expect(warning).to_contain_text(f"{year} 年的工作日历尚未录入")

    warning.get_by_role("link", name="录入节假日安排").click()
    expect(page.get_by_role("heading", name="录入全年节假日安排")).to_be_visible()
    expect(page.locator("#id_year")).to_have_value(str(year))
    page.locator("#id_text").fill(_notice(year))
    page.get_by_role("button", name="预览").click()

    expect(page.get_by_role("heading", name=f"核对 {year} 年节假日安排")).to_be_visible()
    rows = page.locator("#schedule-lines tbody tr")
    expect(rows).to_have_count(10)
    expect(page.locator("#schedule-summary")).to_contain_text("读出 9 个放假日、1 个调休上班日。")
    sunday = page.locator(f"#schedule-lines tr[data-day='{year}-02-14']")
    expect(sunday).to_contain_text("上班")
    expect(sunday).to_contain_text("春节调休上班")
    expect(sunday).to_contain_text("2月14日（")
    tuesday = page.locator(f"#schedule-lines tr[data-day='{year}-02-09']")
    expect(tuesday).to_contain_text("2月6日至13日放假调休，共8天。")
    expect(page.locator("#schedule-problems")).to_have_count(0)
    screenshot(page, "calendar-notice-preview")

    page.get_by_role("button", name=f"确认保存 {year} 年安排").click()

    expect(page.get_by_role("heading", name="工作日历")).to_be_visible()
    expect(page.locator(".alert-success")).to_contain_text(f"已录入 {year} 年节假日安排：9 个放假日，1 个调休上班日")
    listed = page.locator("#calendar-days")
    expect(listed).to_contain_text(f"{year}-02-14")
    expect(listed).to_contain_text("春节调休上班")
    expect(page.locator(f"#calendar-warning[data-year='{year}']")).to_have_count(0)
    page.goto("/")
    expect(page.locator(f"#calendar-warning[data-year='{year}']")).to_have_count(0)
