"""The drill-down of a measure counted per move (callbacks, dispatches, replies) lists each order
once, at its latest such move of the period, newest first (issue #20: the list walks the moves'
index to the page instead of gathering every order of the period first); the due orders of
办结率 list those due by their deadline and those answered on the call together, by when each
was due."""

from __future__ import annotations

import re

from django.test import Client

from civicdesk.orders import actions
from civicdesk.orders.models import WorkOrder
from civicdesk.org.models import OrgUnit, User
from civicdesk.statistics.measures import Period, measure
from tests.statistics.helpers import at, t
from tests.world import World

NOW = t(30, 12, month=4)
MARCH = "period=month&date=2026-03-10"


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
