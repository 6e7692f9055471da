"""An admin enters a day of next year's schedule; the working calendar follows at once."""

from __future__ import annotations

from datetime import date

import time_machine

from civicdesk.worktime.limits import work_calendar
from civicdesk.worktime.models import CalendarDay
from tests.console_units.conftest import at
from tests.console_units.helpers import client_for, field_errors, text
from tests.world import World


def test_it_changes_the_work_calendar_at_once(w: World) -> None:
    client = client_for(w.admin)
    with time_machine.travel(at(2026, 12, 1, 10, 0), tick=False):
        assert work_calendar().is_workday(date(2027, 2, 8))  # a Monday; no 2027 data yet: cached as workday
        response = client.post("/manage/worktime/calendar/", {"day": "2027-02-08", "is_workday": "0", "note": "春节"})
        assert response.status_code == 302
        assert response["Location"] == "/manage/worktime/calendar/?month=2027-02&year=2027"
        assert not work_calendar().is_workday(date(2027, 2, 8))

        page = text(client.get(response["Location"]))
    day = CalendarDay.objects.get(day=date(2027, 2, 8))
    assert (day.is_workday, day.note, day.entered_by) == (False, "春节", w.admin)
    assert "已添加日历调整" in page
    listed = page[page.index('id="calendar-days"') :]
    assert "2027-02-08" in listed and "休息日（放假）" in listed and "春节" in listed
    month = page[page.index('id="month-calendar"') : page.index('id="calendar-days"')]
    assert 'title="2027-02-08 休息日 · 已调整：春节"' in month


def test_it_shows_the_state_council_schedule_for_a_month(w: World) -> None:
    with time_machine.travel(at(2026, 12, 1, 10, 0), tick=False):
        page = text(client_for(w.admin).get("/manage/worktime/calendar/?month=2026-10"))
    month = page[page.index('id="month-calendar"') :]
    assert 'title="2026-10-01 休息日"' in month
    assert "国庆节" in month
    assert 'title="2026-10-09 工作日"' in month


def test_it_refuses_a_day_entered_twice_and_a_missing_note(w: World) -> None:
    CalendarDay.objects.create(day=date(2027, 1, 1), is_workday=False, note="元旦")
    client = client_for(w.admin)
    with time_machine.travel(at(2026, 12, 1, 10, 0), tick=False):
        response = client.post("/manage/worktime/calendar/", {"day": "2027-01-01", "is_workday": "1", "note": ""})

    assert response.status_code == 400
    html = text(response)
    assert field_errors(html, "id_day") == ["这一天已有调整记录，请直接修改那一条。"]
    assert field_errors(html, "id_note") == ["请填写说明。"]
    assert not CalendarDay.objects.get(day=date(2027, 1, 1)).is_workday
