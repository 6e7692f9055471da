"""The duty roster in a browser: the dispatcher follows the home page's 值班缺口 warning to a
calendar of weeks that fits the screen; the admin adds a shift for a unit, copies last week,
and prints without the navigation; a unit head plans their own unit."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from playwright.sync_api import expect

from tests.e2e.conftest import screenshot


def _plus_week(day: str) -> str:
    return (dt.date.fromisoformat(day) + dt.timedelta(days=7)).isoformat()


FITS = "() => document.scrollingElement.scrollWidth <= window.innerWidth"


def test_the_dispatcher_follows_the_gap_warning_to_a_calendar_that_fits(signed_in: Callable[[str], Any]) -> None:
    page = signed_in("dispatcher1")
    expect(page.locator("#duty-gaps")).to_be_visible()
    page.locator("#duty-gaps li a").first.click()

    expect(page.locator("#duty-table")).to_be_visible()
    expect(page.locator("#duty-table thead th")).to_have_count(7)  # a week, not a column per unit
    expect(page.locator("#duty-table td.duty-day")).to_have_count(28)
    assert page.evaluate(FITS), "the roster is wider than the screen"
    expect(page.locator("#duty-add")).to_have_count(0)  # dispatchers read, admins and unit heads plan
    expect(page.locator("#duty-table .duty-gap").first).to_be_visible()


def test_the_admin_adds_a_shift_copies_last_week_and_prints(signed_in: Callable[[str], Any]) -> None:
    page = signed_in("admin")
    page.goto("/manage/worktime/duty/")
    page.locator("#roster-scope select[name=unit]").select_option(label="市住房和城乡建设局")
    page.locator("#roster-scope button").click()
    expect(page.locator("#roster-unit")).to_have_text("市住房和城乡建设局")
    people = page.locator("#id_user option").all_text_contents()[1:]
    assert people and all("zj" in p for p in people), f"people of other units are offered: {people}"
    page.locator("a", has_text="后四周").click()  # beyond what the demo planned
    rows = page.locator("#duty-table tbody tr")
    week = next(
        i
        for i in range(3)
        if rows.nth(i).locator("td.duty-gap").count() and not rows.nth(i + 1).locator(".duty-person").count()
    )
    day = rows.nth(week).locator("td.duty-gap").first.get_attribute("data-day") or ""
    page.fill("#id_day", day)
    page.locator("#id_user").select_option(index=1)
    page.locator("#duty-add button[type=submit]").click()
    expect(page.locator(f'#duty-table td[data-day="{day}"] .duty-person')).to_have_count(1)

    rows.nth(week + 1).get_by_role("button", name="复制上周").click()
    expect(page.locator("main .alert").first).to_contain_text("已从上周复制")
    expect(page.locator(f'#duty-table td[data-day="{_plus_week(day)}"] .duty-person')).to_have_count(1)
    screenshot(page, "roster-unit")

    page.emulate_media(media="print")
    expect(page.locator("nav.navbar")).to_be_hidden()
    expect(page.locator("#duty-add")).to_be_hidden()
    expect(page.locator("#duty-table")).to_be_visible()
