"""Seat shifts: the roster takes shifts with times on working days too (a night shift runs into
the next morning), per operator group, and copying last week carries their times and group."""

from __future__ import annotations

from datetime import date, time

import time_machine

from civicdesk.worktime.duty import covers, planned_per_hour
from civicdesk.worktime.models import DutyShift, OperatorGroup
from tests.console.helpers import client_for, field_errors, text
from tests.worktime.helpers import at
from tests.world import World

THURSDAY = at(2026, 3, 5, 10)
URL = "/manage/worktime/duty/"


def _post(actor: object, path: str = URL, **data: object) -> object:
    with time_machine.travel(THURSDAY, tick=False):
        return client_for(actor).post(path, {"note": "", "starts": "", "ends": "", "group": "", **data})  # type: ignore[arg-type]


def _group(w: World, name: str = "普通话组") -> OperatorGroup:
    group = OperatorGroup.objects.create(hub=w.hub, name=name)
    group.members.add(w.operator)
    return group


def test_the_admin_plans_a_night_shift_of_a_group_on_a_working_day(w: World) -> None:
    group = _group(w)
    response = _post(
        w.admin, day="2026-03-10", unit=w.hub.pk, user=w.operator.pk, starts="18:00", ends="08:00", group=group.pk
    )

    assert response.status_code == 302  # type: ignore[attr-defined]
    shift = DutyShift.objects.get()
    assert (shift.day, shift.starts, shift.ends, shift.group) == (date(2026, 3, 10), time(18), time(8), group)
    with time_machine.travel(THURSDAY, tick=False):
        page = text(client_for(w.admin).get(URL + f"?unit={w.hub.pk}"))
    cell = page[page.index('data-day="2026-03-10"') :]
    cell = cell[: cell.index("</td>")]
    assert "18:00–次日08:00" in cell and "普通话组" in cell and "话务员小李" in cell


def test_half_a_time_the_same_times_and_a_stranger_to_the_group_are_refused(w: World) -> None:
    group = _group(w)
    only_start = _post(w.admin, day="2026-03-10", unit=w.hub.pk, user=w.operator.pk, starts="08:00")
    same = _post(w.admin, day="2026-03-10", unit=w.hub.pk, user=w.operator.pk, starts="08:00", ends="08:00")
    stranger = _post(
        w.admin, day="2026-03-10", unit=w.hub.pk, user=w.dispatcher.pk, starts="08:00", ends="16:00", group=group.pk
    )

    assert field_errors(text(only_start), "id_ends") == ["请同时填写开始和结束时间。"]
    assert field_errors(text(same), "id_ends") == ["结束时间不能与开始时间相同。"]
    assert field_errors(text(stranger), "id_group") == ["派单员老张 不是话务组“普通话组”的成员。"]
    assert not DutyShift.objects.exists()


def test_a_night_shift_covers_the_evening_and_the_next_morning_only() -> None:
    night = DutyShift(day=date(2026, 3, 10), starts=time(18), ends=time(8))
    day_shift = DutyShift(day=date(2026, 3, 10), starts=time(8), ends=time(16))
    whole_day = DutyShift(day=date(2026, 3, 7))

    assert covers(night, at(2026, 3, 10, 21)) and covers(night, at(2026, 3, 11, 7, 59))
    assert not covers(night, at(2026, 3, 11, 8)) and not covers(night, at(2026, 3, 10, 17, 59))
    assert covers(day_shift, at(2026, 3, 10, 15, 59)) and not covers(day_shift, at(2026, 3, 10, 16))
    assert covers(whole_day, at(2026, 3, 7, 0)) and covers(whole_day, at(2026, 3, 7, 23, 59))
    assert not covers(whole_day, at(2026, 3, 8, 0))


def test_planned_staff_per_hour_counts_the_previous_nights_shift() -> None:
    shifts = [
        DutyShift(day=date(2026, 3, 9), starts=time(18), ends=time(8)),  # Monday night into Tuesday
        DutyShift(day=date(2026, 3, 10), starts=time(8), ends=time(16)),
        DutyShift(day=date(2026, 3, 10), starts=time(8), ends=time(16)),
        DutyShift(day=date(2026, 3, 10), starts=time(16), ends=time(0)),
    ]
    with time_machine.travel(THURSDAY, tick=False):
        planned = planned_per_hour(shifts, date(2026, 3, 10))
    assert planned == [1] * 8 + [2] * 8 + [1] * 8


def test_copy_last_week_carries_seat_shifts_onto_working_days(w: World) -> None:
    group = _group(w)
    DutyShift.objects.create(
        day=date(2026, 3, 10), unit=w.hub, user=w.operator, starts=time(8), ends=time(16), group=group
    )
    response = _post(w.admin, f"{URL}copy/", unit=w.hub.pk, week="2026-03-16")

    assert response.status_code == 302  # type: ignore[attr-defined]
    copied = DutyShift.objects.get(day=date(2026, 3, 17))
    assert (copied.user, copied.starts, copied.ends, copied.group) == (w.operator, time(8), time(16), group)
