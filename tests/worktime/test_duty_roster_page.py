"""The duty roster: a calendar of weeks per hub or per unit; admins edit the hub's, unit heads
their own unit's; dispatchers and leaders read it; last week can be copied forward."""

from __future__ import annotations

from datetime import date

import time_machine

from civicdesk.worktime.models import DutyShift
from tests.console.helpers import client_for, field_errors, text
from tests.worktime.helpers import at
from tests.world import World

THURSDAY = at(2026, 3, 5, 10)
URL = "/manage/worktime/duty/"


def _get(user: object, query: str = "") -> object:
    with time_machine.travel(THURSDAY, tick=False):
        return client_for(user).get(URL + query)  # type: ignore[arg-type]


def _post(actor: object, path: str = URL, **data: object) -> object:
    with time_machine.travel(THURSDAY, tick=False):
        return client_for(actor).post(path, {"note": "", **data})  # type: ignore[arg-type]


def _cell(page: str, day: str) -> str:
    start = page.index(f'data-day="{day}"')
    return page[start : page.index("</td>", start)]


def test_the_hub_calendar_shows_the_hubs_people_and_the_units_without_anyone(w: World) -> None:
    DutyShift.objects.create(day=date(2026, 3, 7), unit=w.hub, user=w.dispatcher)
    DutyShift.objects.create(day=date(2026, 3, 7), unit=w.dept_a, user=w.handler_a)
    page = text(_get(w.admin))

    saturday, monday = _cell(page, "2026-03-07"), _cell(page, "2026-03-09")
    assert "派单员老张" in saturday
    assert w.dept_b.name in saturday and w.dept_a.name not in saturday  # the units left uncovered, named
    assert "个单位无人值班" in saturday
    assert "工作日" in monday and "无人值班" not in monday
    assert page.count('class="duty-day') == 28  # four weeks of seven days, not a column per unit


def test_a_unit_calendar_offers_only_that_units_people(w: World) -> None:
    page = text(_get(w.admin, f"?unit={w.dept_a.pk}"))
    people = page[page.index('id="id_user"') : page.index("</select>", page.index('id="id_user"'))]

    assert "住建承办人" in people or w.handler_a.username in people
    assert w.handler_b.username not in people and w.dispatcher.username not in people


def test_the_admin_adds_a_shift_for_the_chosen_unit(w: World) -> None:
    response = _post(w.admin, day="2026-03-07", unit=w.dept_a.pk, user=w.handler_a.pk, week="2026-03-02")

    assert response.status_code == 302  # type: ignore[attr-defined]
    shift = DutyShift.objects.get()
    assert (shift.day, shift.unit, shift.user, shift.entered_by) == (date(2026, 3, 7), w.dept_a, w.handler_a, w.admin)


def test_it_refuses_a_whole_working_day_and_a_stranger(w: World) -> None:
    monday = _post(w.admin, day="2026-03-09", unit=w.dept_a.pk, user=w.handler_a.pk)
    stranger = _post(w.admin, day="2026-03-07", unit=w.dept_a.pk, user=w.handler_b.pk)

    # A working day takes seat shifts with times (tests/worktime/test_seat_shifts.py), not whole days.
    assert field_errors(text(monday), "id_starts") == [
        "2026-03-09 是工作日，请填写班次的开始和结束时间（整天值班只用于周末和节假日）。"
    ]
    assert field_errors(text(stranger), "id_user")  # handler_b is not among dept_a's people
    assert not DutyShift.objects.exists()


def test_a_unit_head_edits_their_own_unit_and_only_reads_nothing_else(w: World) -> None:
    own = _post(w.head_a, day="2026-03-07", unit=w.dept_a.pk, user=w.handler_a.pk)
    other = _post(w.head_a, day="2026-03-07", unit=w.dept_b.pk, user=w.handler_b.pk)

    assert own.status_code == 302  # type: ignore[attr-defined]
    assert other.status_code == 404  # type: ignore[attr-defined]  # not even visible to them
    assert list(DutyShift.objects.values_list("unit_id", flat=True)) == [w.dept_a.pk]


def test_dispatchers_and_leaders_read_the_hub_roster_without_editing(w: World) -> None:
    for person in (w.dispatcher, w.leader):
        page = text(_get(person))
        assert 'id="duty-table"' in page and 'id="duty-add"' not in page and "复制上周" not in page
        refused = _post(person, day="2026-03-07", unit=w.hub.pk, user=w.dispatcher.pk)
        assert refused.status_code == 403  # type: ignore[attr-defined]
    assert _get(w.handler_a).status_code == 403  # type: ignore[attr-defined]
    assert _get(w.operator).status_code == 403  # type: ignore[attr-defined]


def test_copy_last_week_moves_each_shift_seven_days_on_once(w: World) -> None:
    DutyShift.objects.create(day=date(2026, 3, 7), unit=w.dept_a, user=w.handler_a, note="白班")
    DutyShift.objects.create(day=date(2026, 3, 8), unit=w.dept_a, user=w.head_a)
    for _ in range(2):  # a second click copies nothing more
        response = _post(w.head_a, f"{URL}copy/", unit=w.dept_a.pk, week="2026-03-09")
        assert response.status_code == 302  # type: ignore[attr-defined]

    copied = DutyShift.objects.filter(day__gte=date(2026, 3, 9)).order_by("day")
    assert [(s.day, s.user, s.note) for s in copied] == [
        (date(2026, 3, 14), w.handler_a, "白班"),
        (date(2026, 3, 15), w.head_a, ""),
    ]


def test_the_home_warning_links_each_gap_to_the_roster(w: World) -> None:
    with time_machine.travel(THURSDAY, tick=False):
        page = text(client_for(w.dispatcher).get("/"))
    warning = page[page.index('id="duty-gaps"') :]
    assert f'href="{URL}?unit={w.hub.pk}&amp;week=2026-03-07"' in warning
    assert 'id="duty-gaps-roster"' in warning
