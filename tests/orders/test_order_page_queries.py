"""The order page asks the database about ten times for each role that works on it (issue
#20's goal), and no more for a long history, a joint order or a consultation than for a short one:
the events, assignments and files are read once and every panel and move is decided from them."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from civicdesk.orders import actions
from civicdesk.orders.models import WorkOrder
from civicdesk.orders.workflow import MOVES
from civicdesk.org.models import User
from tests.world import World

MOST = 10


def _queries(user: User, order: WorkOrder) -> int:
    client = Client()
    client.force_login(user)
    path = f"/orders/{order.number}/"
    client.get(path)  # the first view: sessions, per-process caches
    counts = []
    # The fewer of two: a per-process cache that expires between two requests (the dispatch
    # model's look-up, every 10 s on a slow machine) adds a query to one of them, not to both.
    for _ in range(2):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
        assert response.status_code == 200
        counts.append(len(captured.captured_queries))
    return min(counts)


def _long_history(w: World, order: WorkOrder, rounds: int) -> WorkOrder:
    """More events of the kinds an order gathers while it waits: supervision, urging, the
    caller's additions (each where the order's state allows it)."""
    moves = [
        ("supervise", lambda o: actions.supervise(o, actor=w.supervisor, note="请加快办理")),
        ("urge", lambda o: actions.urge(o, actor=w.operator, note="来电催办")),
        ("supplement", lambda o: actions.supplement(o, actor=w.operator, text="来电人补充：积水已漫到人行道。")),
    ]
    added = 0
    for _ in range(rounds):
        for action, move in moves:
            if order.state in MOVES[action].sources:
                order = move(order)
                added += 1
    assert added >= rounds  # the history did grow
    return order


def _closed(w: World, order: WorkOrder) -> WorkOrder:
    order = actions.reply(order, actor=w.handler_a, result="solved", text="已安排养护队修复路面并清理积水。")
    order = actions.accept_reply(order, actor=w.dispatcher)
    return actions.record_callback(order, actor=w.callback_agent, solved="solved", satisfaction="satisfied")


@pytest.mark.parametrize(
    ("role", "make"),
    [
        # Waiting for dispatch: the dispatch form with the suggested unit.
        ("dispatcher", lambda w: w.pending()),
        ("dispatcher", lambda w: w.bounced()),
        ("handler_a", lambda w: w.dispatched()),
        ("handler_a", lambda w: w.signed()),
        ("handler_a", lambda w: w.joint(w.dept_b, w.dept_c)),
        ("handler_b", lambda w: w.joint(w.dept_b)),
        ("handler_a", lambda w: w.refused()),
        ("handler_a", lambda w: w.consulting()),
        ("handler_a", lambda w: w.noticed()),
        ("handler_a", lambda w: w.instructed()),
        ("supervisor", lambda w: w.noticed()),
        ("supervisor", lambda w: w.signed()),
        ("dispatcher", lambda w: w.replied()),
        ("callback_agent", lambda w: w.awaiting_callback()),
    ],
)
def test_the_order_page_asks_as_often_for_a_long_history_as_for_a_short_one(w: World, role: str, make: object) -> None:
    user = getattr(w, role)
    order = make(w)  # type: ignore[operator]
    short = _queries(user, order)
    order = _long_history(w, WorkOrder.objects.get(pk=order.pk), 3)
    assert _queries(user, order) == short


@pytest.mark.parametrize(
    ("role", "make", "most"),
    [
        # The orders each role opens most: a finished one with its whole history, one the
        # unit has just received, one under supervision, one waiting for its callback.
        ("dispatcher", lambda w: _closed(w, _long_history(w, w.signed(), 3)), MOST),
        # A handler's menu counts the inbox in one query (civicdesk.orders.queues.inbox_ids).
        ("handler_a", lambda w: w.dispatched(), MOST),
        ("handler_a", lambda w: w.joint(w.dept_b), MOST),
        ("handler_b", lambda w: w.joint(w.dept_b), MOST),
        ("supervisor", lambda w: _long_history(w, w.noticed(), 3), MOST),
        ("callback_agent", lambda w: w.awaiting_callback(), MOST),
    ],
)
def test_the_order_page_takes_about_ten_queries(w: World, role: str, make: object, most: int) -> None:
    assert _queries(getattr(w, role), make(w)) <= most  # type: ignore[operator]
