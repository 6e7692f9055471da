"""The admin fills the duty roster for the days off of the working calendar."""

from __future__ import annotations

from datetime import date

import time_machine

from civicdesk.worktime.models import DutyShift
from tests.console.helpers import client_for, field_errors, text
from tests.worktime.helpers import at
from tests.world import World

THURSDAY = at(2026, 3, 5, 10)


def _post(w: World, **data: object) -> object:
    with time_machine.travel(THURSDAY, tick=False):
        return client_for(w.admin).post("/manage/worktime/duty/", {"note": "", **data})


def test_it_lists_the_coming_days_off_with_who_is_on_duty(w: World) -> None:
    DutyShift.objects.create(day=date(2026, 3, 7), unit=w.hub, user=w.dispatcher)
    with time_machine.travel(THURSDAY, tick=False):
        page = text(client_for(w.admin).get("/manage/worktime/duty/"))
    table = page[page.index('id="duty-table"'):]
    assert "2026-03-07" in table and "2026-03-08" in table
    assert "2026-03-06" not in table and "2026-03-09" not in table  # working days
    saturday = table[table.index("2026-03-07"):table.index("2026-03-08")]
    assert "派单员老张" in saturday and "无人值班" in saturday  # the hub is covered, the units not


def test_it_adds_a_shift(w: World) -> None:
    response = _post(w, day="2026-03-07", unit=w.dept_a.pk, user=w.handler_a.pk)

    assert response.status_code == 302  # type: ignore[attr-defined]
    shift = DutyShift.objects.get()
    assert (shift.day, shift.unit, shift.user, shift.entered_by) == (date(2026, 3, 7), w.dept_a, w.handler_a, w.admin)


def test_it_refuses_a_working_day_and_a_stranger(w: World) -> None:
    monday = _post(w, day="2026-03-09", unit=w.dept_a.pk, user=w.handler_a.pk)
    stranger = _post(w, day="2026-03-07", unit=w.dept_a.pk, user=w.handler_b.pk)

    assert field_errors(text(monday), "id_day") == ["2026-03-09 是工作日，只需为周末和节假日排班。"]
    assert field_errors(text(stranger), "id_user") == ["市监承办人 不是 市住房和城乡建设局 的工作人员。"]
    assert not DutyShift.objects.exists()


def test_it_is_for_admins_only(w: World) -> None:
    assert client_for(w.dispatcher).get("/manage/worktime/duty/").status_code == 403
