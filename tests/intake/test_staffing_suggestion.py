"""The seat schedule's staffing page: each hour's expected calls (the same weekday of the last
four weeks), the operators planned on the roster, and the operators Erlang C suggests."""

from __future__ import annotations

from datetime import date, time, timedelta

import time_machine

from civicdesk.intake.models import Call, CallState
from civicdesk.intake.staffing import Demand, HourHistory, demand_from, forecast
from civicdesk.worktime.models import DutyShift, OperatorGroup
from tests.console.helpers import client_for, text
from tests.worktime.helpers import at
from tests.world import World

TUESDAY = date(2026, 3, 10)
URL = "/intake/staffing"


def _calls(w: World, day: date, hour: int, count: int, talk: int = 180, queue: str = "") -> None:
    rows = []
    for n in range(count):
        start = at(day.year, day.month, day.day, hour, n % 60)
        rows.append(
            Call(
                call_id=f"{day:%m%d}-{hour}-{queue}-{n}",
                phone="13800001234",
                hub=w.hub,
                state=CallState.COMPLETED,
                started_at=start,
                answered_at=start + timedelta(seconds=10),
                ended_at=start + timedelta(seconds=10 + talk),
                wait_seconds=10,
                talk_seconds=talk,
                queue=queue,
            )
        )
    Call.objects.bulk_create(rows)


def _row(page: str, hour: int) -> str:
    start = page.index(f'data-hour="{hour}"')
    return page[start : page.index("</tr>", start)]


def test_demand_is_the_average_of_the_days_looked_at_with_each_hours_talk_time() -> None:
    history = [HourHistory() for _ in range(24)]
    history[10] = HourHistory(offered=6, answered=6, talk_seconds=360.0)
    history[11] = HourHistory(offered=1, answered=0, talk_seconds=0.0)  # missed: offered, no talk
    history[12] = HourHistory(offered=3, answered=2, talk_seconds=600.0)  # too few for its own average
    demand = demand_from(history, days=2)
    assert demand[10] == Demand(3.0, 60.0)
    assert demand[11] == Demand(0.5, 120.0)  # the window's average: 960 s over 8 answered
    assert demand[12] == Demand(1.5, 120.0)
    assert demand[13] == Demand(0.0, 120.0)


def test_the_forecast_reads_the_same_weekday_of_the_last_four_weeks(w: World) -> None:
    for weeks_back in range(1, 5):
        _calls(w, TUESDAY - timedelta(days=7 * weeks_back), 10, 20)
    _calls(w, TUESDAY - timedelta(days=6), 10, 50)  # a Wednesday: another weekday
    _calls(w, TUESDAY - timedelta(days=35), 10, 50)  # five weeks back: too old
    with time_machine.travel(at(2026, 3, 9, 12), tick=False):
        demand = forecast(w.hub, TUESDAY)
    assert demand[10].calls_per_hour == 20.0 and demand[10].talk_seconds == 180.0
    assert demand[9].calls_per_hour == 0.0


def test_the_page_shows_the_suggestion_beside_the_planned_operators(w: World) -> None:
    for weeks_back in range(1, 5):
        _calls(w, TUESDAY - timedelta(days=7 * weeks_back), 10, 20)  # 20 calls an hour, 3 minutes each
    group = OperatorGroup.objects.create(hub=w.hub, name="普通话组")
    group.members.add(w.operator)
    DutyShift.objects.create(day=TUESDAY, unit=w.hub, user=w.operator, starts=time(8), ends=time(16), group=group)
    DutyShift.objects.create(day=TUESDAY, unit=w.hub, user=w.dispatcher, starts=time(8), ends=time(16))

    with time_machine.travel(at(2026, 3, 9, 12), tick=False):
        page = text(client_for(w.dispatcher).get(f"{URL}?day=2026-03-10"))
        only_group = text(client_for(w.dispatcher).get(f"{URL}?day=2026-03-10&group={group.pk}"))

    # One erlang: 2 operators answer 69 % within 15 s, 3 reach 92 % (and 95 % connected).
    ten = _row(page, 10)
    assert '<td class="text-end staffing-planned">2</td>' in ten
    assert "<strong>3</strong>" in ten and "缺 1 人" in ten
    assert "1 个时段人手不足" in page
    assert '<td class="text-end staffing-planned">1</td>' in _row(only_group, 10)
    assert "<strong>0</strong>" in _row(page, 3)  # no calls at night in the history


def test_a_group_naming_its_queue_is_staffed_for_that_queues_calls(w: World) -> None:
    for weeks_back in range(1, 5):
        _calls(w, TUESDAY - timedelta(days=7 * weeks_back), 10, 20, queue="enterprise")
        _calls(w, TUESDAY - timedelta(days=7 * weeks_back), 10, 200)  # the general line
    group = OperatorGroup.objects.create(hub=w.hub, name="企业专席", queue="enterprise")
    with time_machine.travel(at(2026, 3, 9, 12), tick=False):
        page = text(client_for(w.dispatcher).get(f"{URL}?day=2026-03-10&group={group.pk}"))
    assert "<strong>3</strong>" in _row(page, 10)  # 20 calls an hour, not 220


def test_only_the_hubs_admins_dispatchers_and_leaders_open_it(w: World) -> None:
    assert client_for(w.leader).get(URL).status_code == 200
    assert client_for(w.operator).get(URL).status_code == 403
    assert client_for(w.handler_a).get(URL).status_code == 403
