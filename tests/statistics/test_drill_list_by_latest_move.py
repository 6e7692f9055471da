"""The drill-down of a measure counted per move (callbacks, dispatches, replies) lists each order
once, at its latest such move of the period, newest first (issue #20: the list walks the moves'
index to the page instead of gathering every order of the period first); the due orders of
办结率 list those due by their deadline and those answered on the call together, by when each
was due."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from civicdesk.orders import actions
from civicdesk.orders.models import WorkOrder
from civicdesk.org.models import OrgUnit, User
from civicdesk.statistics.measures import PROCEDURES, Filters, Period, drill, drill_rows, measure
from tests.statistics.helpers import at, t
from tests.statistics.scenario import build_scenario
from tests.world import World

NOW = t(30, 12, month=4)
MARCH = "period=month&date=2026-03-10"
PER_MOVE = ("response", "resolution", "satisfaction", "false_replies", "reply_flagged", "reply_sent_back")


def _closed(w: World, unit: OrgUnit, handler: User, *, rework: bool = False) -> WorkOrder:
    order = actions.dispatch(w.new_order(), actor=w.dispatcher, lead_unit=unit)
    order = actions.sign_for(order, actor=handler)
    order = actions.reply(order, actor=handler, result="solved", text="已处理完毕并告知来电人。")
    order = actions.accept_reply(order, actor=w.dispatcher)
    if rework:
        order = actions.record_callback(
            order, actor=w.callback_agent, solved="unsolved", satisfaction="unsatisfied", rework=True
        )
        order = actions.reply(order, actor=handler, result="solved", text="已重新组织人员现场处理。")
        order = actions.accept_reply(order, actor=w.dispatcher)
    return order


def _listed(w: World, query: str) -> list[str]:
    client = Client()
    client.force_login(w.leader)
    with at(NOW):
        html = client.get(f"/stats/orders/?{MARCH}&{query}").content.decode()
    return re.findall(r'href="/orders/(\d+)/"', html)


def test_a_callback_list_shows_each_order_once_by_its_latest_callback(w: World) -> None:
    with at(t(2, 9)):
        first = _closed(w, w.dept_a, w.handler_a)
        twice = _closed(w, w.dept_b, w.handler_b, rework=True)  # its first callback on the 2nd
        last = _closed(w, w.dept_a, w.handler_a)
    with at(t(5, 9)):
        actions.record_callback(first, actor=w.callback_agent, solved="solved", satisfaction="satisfied")
    with at(t(6, 9)):
        actions.record_callback(last, actor=w.callback_agent, solved="solved", satisfaction="satisfied")
    with at(t(9, 9)):
        actions.record_callback(twice, actor=w.callback_agent, solved="solved", satisfaction="satisfied")
    listed = _listed(w, "code=resolution&part=denominator")
    assert listed == [twice.number, last.number, first.number]
    figure = measure("resolution", Period(t(1, 0), t(1, 0, month=4)), as_of=NOW)
    assert figure.denominator == 4  # callbacks counted: the order called back twice counts twice
    # The numerator: only the callbacks that found it solved; the reworked order's latest is one.
    assert _listed(w, "code=resolution&part=numerator") == [twice.number, last.number, first.number]


def test_the_due_orders_list_merges_deadlines_and_answers_on_the_call(w: World) -> None:
    with at(t(2, 9)):
        dispatched = _closed(w, w.dept_a, w.handler_a)
    with at(t(10, 9)):
        earlier = w.answered()
    with at(t(25, 9)):
        later = w.answered()
    due = WorkOrder.objects.get(pk=dispatched.pk).handle_due_at
    assert due is not None and t(10, 9) < due < t(25, 9)
    figure = measure("completion", Period(t(1, 0), t(1, 0, month=4)), as_of=NOW)
    listed = _listed(w, "code=completion&part=denominator")
    assert listed == [later.number, dispatched.number, earlier.number]
    assert sorted(listed) == sorted(
        WorkOrder.objects.filter(pk__in=figure.denominator_ids).values_list("number", flat=True)
    )


def test_a_unit_filter_on_the_dispatch_lists_the_order_by_that_units_dispatch(w: World) -> None:
    # 响应率 is charged to the unit each dispatch went to: filtered to dept_a (and the order's
    # area), the order sent on to dept_b is listed by its dispatch to dept_a, though its latest
    # dispatch of the month went elsewhere; the order of the other area is not listed at all.
    with at(t(2, 9)):
        moved = actions.dispatch(w.new_order(area=w.area_village), actor=w.dispatcher, lead_unit=w.dept_a)
        elsewhere = actions.dispatch(w.new_order(), actor=w.dispatcher, lead_unit=w.dept_a)
    with at(t(2, 10)):
        moved = actions.sign_for(moved, actor=w.handler_a)
        actions.sign_for(elsewhere, actor=w.handler_a)
    with at(t(3, 9)):
        moved = actions.redispatch(moved, actor=w.dispatcher, lead_unit=w.dept_b, reason="属市场监管职责")
    with at(t(3, 10)):
        actions.sign_for(moved, actor=w.handler_b)
    period = Period(t(1, 0), t(1, 0, month=4))
    for unit in (w.dept_a, w.dept_b):
        filters = Filters(lead_unit=unit, area=w.area_village)
        for part in ("numerator", "denominator"):
            rows = drill_rows("response", period, filters, part=part, as_of=NOW)  # type: ignore[arg-type]
            assert rows is not None
            listed = list(rows.values_list("order_id", flat=True))
            behind = drill("response", period, filters, part=part, as_of=NOW)  # type: ignore[arg-type]
            assert listed == [moved.pk] == list(behind.values_list("pk", flat=True))
            assert rows.get().unit_id == unit.pk
    area = f"area={w.area_village.pk}"
    assert _listed(w, f"code=response&part=numerator&unit={w.dept_a.pk}&{area}") == [moved.number]
    assert _listed(w, f"code=response&part=numerator&unit={w.dept_a.pk}") == [elsewhere.number, moved.number]
    assert _listed(w, f"code=response&part=numerator&unit={w.dept_b.pk}&{area}") == [moved.number]


@pytest.mark.parametrize("code", [*PER_MOVE, *PROCEDURES])
def test_the_latest_moves_are_the_orders_of_the_figure_under_every_filter(w: World, code: str) -> None:
    orders = build_scenario(w)
    period = Period(t(1, 0), t(1, 0, month=4))
    for filters in (
        Filters(),
        Filters(lead_unit=w.dept_a),
        Filters(lead_unit=w.dept_a, include_sub_units=False, area=w.area_town),
        Filters(lead_unit=w.dept_b, category=w.cat_roads),
        Filters(topic=w.topic_epidemic),
    ):
        for part in ("numerator", "denominator"):
            rows = drill_rows(code, period, filters, part=part, as_of=NOW)  # type: ignore[arg-type]
            assert rows is not None
            listed = list(rows.values_list("order_id", flat=True))
            behind = drill(code, period, filters, part=part, as_of=NOW)  # type: ignore[arg-type]
            assert len(listed) == len(set(listed)), (code, filters, part)
            assert set(listed) == set(behind.values_list("pk", flat=True)), (code, filters, part)
    assert orders  # the scenario ran
