"""The warning that next year's working calendar is missing: from 1 November for admins and
hub leaders, on their home page and the calendar page; louder, with a count, once open
orders are due in a year the calendar does not cover; gone once the year is entered."""

from __future__ import annotations

import re
from datetime import datetime

import time_machine

from civicdesk.orders.models import WorkOrder
from civicdesk.org.models import User
from civicdesk.worktime.models import YearSchedule
from tests.console_units.conftest import at
from tests.console_units.helpers import client_for, text
from tests.world import World


def _warning(user: User, moment: datetime, path: str = "/") -> str | None:
    with time_machine.travel(moment, tick=False):
        html = text(client_for(user).get(path))
    found = re.search(r'<div class="alert [^"]*" role="alert" id="calendar-warning".*?</div>', html, re.S)
    return found.group(0) if found else None


def test_nothing_before_the_first_of_november(w: World) -> None:
    assert _warning(w.admin, at(2026, 10, 31, 17, 0)) is None


def test_from_the_first_of_november_admins_see_it_on_home_and_calendar_pages(w: World) -> None:
    home = _warning(w.admin, at(2026, 11, 1, 8, 0))
    calendar = _warning(w.admin, at(2026, 11, 1, 8, 0), "/manage/worktime/calendar/")

    for shown in (home, calendar):
        assert shown is not None
        assert "alert-warning" in shown and 'data-year="2027"' in shown
        assert "2027 年的工作日历尚未录入" in shown
        assert 'href="/manage/worktime/calendar/import/?year=2027"' in shown


def test_hub_leaders_see_it_without_the_link_others_do_not(w: World) -> None:
    shown = _warning(w.leader, at(2026, 12, 1, 9, 0))
    assert shown is not None and "calendar/import" not in shown
    assert _warning(w.dispatcher, at(2026, 12, 1, 9, 0)) is None
    assert _warning(w.handler_a, at(2026, 12, 1, 9, 0)) is None


def test_it_is_louder_and_counts_open_orders_due_in_the_uncovered_year(w: World) -> None:
    with time_machine.travel(at(2026, 10, 20, 10, 0), tick=False):
        w.dispatched()  # 15 working days: due in November, covered
    with time_machine.travel(at(2026, 12, 24, 10, 0), tick=False):
        w.dispatched()  # due 14 January 2027
        w.signed()  # due 14 January 2027
        w.replied()  # replied: its deadline no longer runs

    shown = _warning(w.admin, at(2026, 12, 24, 11, 0))

    assert shown is not None and "alert-danger" in shown and 'data-affected="2"' in shown
    assert "已有 2 件在办工单的时限落在 2027 年及以后" in shown


def test_orders_due_in_next_year_make_it_appear_even_before_november(w: World) -> None:
    with time_machine.travel(at(2026, 10, 30, 10, 0), tick=False):
        order = w.dispatched()
    assert _warning(w.admin, at(2026, 10, 30, 11, 0)) is None  # due in November
    # As a long time limit (a policy of 60 working days) would have set it.
    WorkOrder.objects.filter(pk=order.pk).update(handle_due_at=at(2027, 1, 29, 10, 0))

    shown = _warning(w.admin, at(2026, 10, 30, 11, 0))
    assert shown is not None and 'data-affected="1"' in shown


def test_gone_once_the_year_is_entered(w: World) -> None:
    YearSchedule.objects.create(year=2027, source=YearSchedule.Source.NOTICE, text="…")

    assert _warning(w.admin, at(2026, 12, 1, 9, 0)) is None


def test_in_an_uncovered_current_year_it_shows_at_once(w: World) -> None:
    shown = _warning(w.admin, at(2027, 3, 2, 9, 0))

    assert shown is not None and 'data-year="2027"' in shown


def test_it_is_translated(w: World) -> None:
    client = client_for(w.admin)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    with time_machine.travel(at(2026, 11, 2, 9, 0), tick=False):
        html = text(client.get("/"))
    assert "The working calendar for 2027 has not been entered" in html


def test_a_year_entered_day_by_day_is_confirmed_complete_and_the_warning_stops(w: World) -> None:
    with time_machine.travel(at(2026, 12, 1, 9, 0), tick=False):
        client = client_for(w.admin)
        refused = client.post("/manage/worktime/calendar/year-done/", {"year": "2027"})
        assert "2027 年还没有录入任何日子。" in text(client.get(refused["Location"]))
        client.post("/manage/worktime/calendar/", {"day": "2027-01-01", "is_workday": "0", "note": "元旦"})
        page = text(client.get("/manage/worktime/calendar/?year=2027"))
        assert 'id="year-done"' in page and 'id="calendar-warning"' in page

        response = client.post("/manage/worktime/calendar/year-done/", {"year": "2027"})
        page = text(client.get(response["Location"]))

    assert "已确认 2027 年的节假日安排录入完毕。" in page
    assert 'id="calendar-warning"' not in page and 'id="year-done"' not in page
    assert "2027 年的安排已录入（逐日录入，管理员，2026-12-01）。" in page
    assert YearSchedule.objects.get(year=2027).source == "days"
