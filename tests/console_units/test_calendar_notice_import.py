"""An admin pastes the State Council notice, checks the preview line by line and saves:
the days are entered, the year counts as covered, and open orders' deadlines follow."""

from __future__ import annotations

import io
import re
from datetime import date
from pathlib import Path

import time_machine
from openpyxl import Workbook

from civicdesk.orders.models import OrderEvent
from civicdesk.worktime.limits import work_calendar
from civicdesk.worktime.models import CalendarDay, YearSchedule
from tests.console_units.conftest import at
from tests.console_units.helpers import client_for, text
from tests.world import World

URL = "/manage/worktime/calendar/import/"
NOTICE = (
    "国务院办公厅关于2027年部分节假日安排的通知\n"
    "一、元旦：1月1日（周五）放假，与周末连休。\n"
    "二、春节：2月6日至13日放假调休，共8天。2月14日（周日）上班。\n"
)


def _lines(html: str) -> dict[str, str]:
    return {m.group(1): m.group(0) for m in re.finditer(r'<tr[^>]*data-day="([\d-]+)">.*?</tr>', html, re.S)}


def test_the_preview_lists_every_day_with_its_sentence_and_saves_nothing(w: World) -> None:
    with time_machine.travel(at(2026, 12, 1, 10, 0), tick=False):
        response = client_for(w.admin).post(URL, {"year": "2027", "kind": "notice", "text": NOTICE, "preview": ""})

    assert response.status_code == 200
    html = text(response)
    lines = _lines(html)
    assert list(lines) == ["2027-01-01"] + [f"2027-02-{d:02d}" for d in range(6, 15)]
    assert "1月1日（周五）放假，与周末连休。" in lines["2027-01-01"] and "放假" in lines["2027-01-01"]
    assert "2月14日（周日）上班。" in lines["2027-02-14"] and "春节调休上班" in lines["2027-02-14"]
    # Friday 1 January is a working day until saved: the line says it changes the calendar.
    assert "table-warning" in lines["2027-01-01"]
    assert "读出 9 个放假日、1 个调休上班日。" in html
    assert not CalendarDay.objects.exists() and not YearSchedule.objects.exists()


def test_saving_enters_the_days_and_moves_open_deadlines(w: World) -> None:
    with time_machine.travel(at(2026, 12, 24, 10, 0), tick=False):
        client = client_for(w.admin)
        order = w.dispatched()  # due 2027-01-14 10:00 while 2027 counts Monday–Friday
        response = client.post(
            URL,
            {
                "year": "2027",
                "kind": "notice",
                "text": NOTICE,
                "save": "",
                "reviewed": "1",
                "take": ["2027-01-01"] + [f"2027-02-{d:02d}" for d in range(6, 15)],
            },
        )
        assert response.status_code == 302
        assert response["Location"] == "/manage/worktime/calendar/?month=2027-01&year=2027"
        page = text(client.get(response["Location"]))

    assert "已录入 2027 年节假日安排：9 个放假日，1 个调休上班日；1 件在办工单的时限已随之调整。" in page
    assert 'id="calendar-warning"' not in page
    assert not work_calendar().is_workday(date(2027, 1, 1))
    assert work_calendar().is_workday(date(2027, 2, 14))
    entered = CalendarDay.objects.get(day=date(2027, 2, 8))
    assert (entered.is_workday, entered.note, entered.entered_by) == (False, "春节", w.admin)
    schedule = YearSchedule.objects.get(year=2027)
    assert (schedule.source, schedule.text, schedule.entered_by) == ("notice", NOTICE.strip(), w.admin)
    order.refresh_from_db()
    assert order.handle_due_at == at(2027, 1, 15, 10, 0)
    event = OrderEvent.objects.get(order=order, action="follow_calendar")
    assert (event.actor, event.note) == (w.admin, "录入 2027 年节假日安排（国务院通知）")


def test_an_unticked_line_is_left_out(w: World) -> None:
    with time_machine.travel(at(2026, 12, 1, 10, 0), tick=False):
        response = client_for(w.admin).post(
            URL, {"year": "2027", "kind": "notice", "text": NOTICE, "save": "", "reviewed": "1", "take": ["2027-01-01"]}
        )

    assert response.status_code == 302
    assert list(CalendarDay.objects.values_list("day", flat=True)) == [date(2027, 1, 1)]


def test_a_notice_with_a_problem_is_not_saved_and_keeps_the_text(w: World) -> None:
    wrong = NOTICE.replace("2月14日（周日）", "2月14日（周六）")
    with time_machine.travel(at(2026, 12, 1, 10, 0), tick=False):
        response = client_for(w.admin).post(URL, {"year": "2027", "kind": "notice", "text": wrong, "save": ""})

    assert response.status_code == 400
    html = text(response)
    assert "2027-02-14 是周日，通知写的是“周六”，请核对年份和日期。" in html
    assert re.search(r'<button class="btn btn-primary" type="submit" name="save" disabled>', html)
    assert "2月14日（周六）上班。" in html  # the text is there to correct
    assert not CalendarDay.objects.exists()


def test_an_empty_form_says_what_is_missing(w: World) -> None:
    with time_machine.travel(at(2026, 12, 1, 10, 0), tick=False):
        response = client_for(w.admin).post(URL, {"year": "2027", "kind": "notice", "text": ""})

    assert response.status_code == 400
    assert "请粘贴通知正文，或选择表格文件。" in text(response)


def test_an_excel_table_is_previewed_and_carried_to_the_save(w: World) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["日期", "放假/上班", "名称"])
    sheet.append([date(2027, 10, 1), "放假", "国庆节"])
    sheet.append([date(2027, 10, 9), "上班", "国庆节调休"])
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    buffer.name = "2027.xlsx"
    with time_machine.travel(at(2026, 12, 1, 10, 0), tick=False):
        client = client_for(w.admin)
        preview = client.post(URL, {"year": "2027", "kind": "notice", "text": "", "file": buffer, "preview": ""})
        html = text(preview)
        assert preview.status_code == 200, html[html.find("field-error") :][:300]
        assert list(_lines(html)) == ["2027-10-01", "2027-10-09"]
        assert "第2行：2027-10-01，放假，国庆节" in html
        carried = re.search(r'<textarea name="text" id="id_text"[^>]*>(.*?)</textarea>', html, re.S)
        assert carried is not None and '<input type="hidden" name="kind" value="table">' in html
        saved = client.post(
            URL,
            {
                "year": "2027",
                "kind": "table",
                "text": carried.group(1).replace("&quot;", '"'),
                "save": "",
                "reviewed": "1",
                "take": ["2027-10-01", "2027-10-09"],
            },
        )

    assert saved.status_code == 302
    assert YearSchedule.objects.get(year=2027).source == "table"
    assert list(CalendarDay.objects.values_list("day", "is_workday")) == [
        (date(2027, 10, 1), False),
        (date(2027, 10, 9), True),
    ]


def test_a_real_notice_of_a_covered_year_reads_without_problems(w: World) -> None:
    notice = (Path(__file__).parents[1] / "worktime" / "data" / "notice_2026.txt").read_text(encoding="utf-8")
    with time_machine.travel(at(2026, 1, 10, 10, 0), tick=False):
        response = client_for(w.admin).post(URL, {"year": "2026", "kind": "notice", "text": notice, "preview": ""})

    assert response.status_code == 200
    lines = _lines(text(response))
    # The package already has 2026: no line changes the calendar.
    assert len(lines) == 39 and not any("table-warning" in line for line in lines.values())


def test_only_admins_may_enter_a_schedule(w: World) -> None:
    assert client_for(w.leader).get(URL).status_code == 403
