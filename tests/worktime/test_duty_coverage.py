"""Days off in the next 30 days with no one on duty for the hub or a unit are warned about
on the home page of admins and hub dispatchers."""

from __future__ import annotations

from datetime import date

import time_machine

from civicdesk.worktime.duty import coverage_gaps
from civicdesk.worktime.models import DutyShift
from tests.console.helpers import client_for, text
from tests.worktime.helpers import at
from tests.world import World

THURSDAY = at(2026, 3, 5, 10)


def _cover_all(w: World, day: date, *, except_unit: object = None) -> None:
    people = {
        w.hub: w.dispatcher,
        w.dept_a: w.handler_a,
        w.dept_b: w.handler_b,
        w.dept_c: w.handler_c,
        w.town: w.town_handler,
    }
    for unit, person in people.items():
        if unit != except_unit:
            DutyShift.objects.create(day=day, unit=unit, user=person)


def _fill_month(w: World, gap_day: date, gap_unit: object) -> None:
    with time_machine.travel(THURSDAY, tick=False):
        for gap in coverage_gaps([w.hub]):
            _cover_all(w, gap.day, except_unit=gap_unit if gap.day == gap_day else None)


def test_it_finds_the_one_uncovered_day(w: World) -> None:
    _fill_month(w, date(2026, 3, 21), w.dept_b)
    with time_machine.travel(THURSDAY, tick=False):
        gaps = coverage_gaps([w.hub])
    assert [(g.day, [u.name for u in g.units]) for g in gaps] == [(date(2026, 3, 21), ["市市场监督管理局"])]


def test_admins_and_dispatchers_see_the_warning_handlers_do_not(w: World) -> None:
    _fill_month(w, date(2026, 3, 21), w.hub)
    with time_machine.travel(THURSDAY, tick=False):
        admin = text(client_for(w.admin).get("/"))
        dispatcher = text(client_for(w.dispatcher).get("/"))
        handler = text(client_for(w.handler_a).get("/"))
    warning = admin[admin.index('id="duty-gaps"') :]
    assert "2026-03-21" in warning and "荣成市社会治理服务中心" in warning and 'id="duty-gaps-roster"' in warning
    # Dispatchers read the roster too: the warning links them to it.
    assert 'id="duty-gaps-roster"' in dispatcher[dispatcher.index('id="duty-gaps"') :]
    assert 'id="duty-gaps"' not in handler


def test_a_fully_covered_month_warns_of_nothing(w: World) -> None:
    _fill_month(w, date(2000, 1, 1), None)
    with time_machine.travel(THURSDAY, tick=False):
        assert coverage_gaps([w.hub]) == []
        assert 'id="duty-gaps"' not in text(client_for(w.admin).get("/"))


def test_the_worker_notices_each_gap_once_in_advance(w: World, caplog: object) -> None:
    import logging

    from civicdesk.runtime.sweeps import SWEEPS
    from civicdesk.worktime.models import DutyGapNotice

    _fill_month(w, date(2026, 3, 21), w.dept_c)
    with (
        time_machine.travel(THURSDAY, tick=False),
        caplog.at_level(logging.WARNING, logger="civicdesk.worktime"),  # type: ignore[attr-defined]
    ):
        assert SWEEPS["duty_coverage"]() == 1
        assert SWEEPS["duty_coverage"]() == 0
    assert list(DutyGapNotice.objects.values_list("day", "unit")) == [(date(2026, 3, 21), w.dept_c.pk)]
    assert "2026-03-21 市生态环境分局 无人值班" in caplog.text  # type: ignore[attr-defined]
