"""Random histories through the real actions: after a sweep the rollups equal measures.py."""

from __future__ import annotations

import contextlib
import datetime as dt

from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from civicdesk.orders import actions
from civicdesk.orders.errors import InvalidInput
from civicdesk.orders.models import WorkOrder
from civicdesk.statistics import rollups
from civicdesk.statistics.measures import Filters
from tests.statistics.compare import assert_equal
from tests.statistics.helpers import at, t
from tests.world import World

PATHS = [
    "new",
    "answered",
    "dispatched",
    "signed",
    "closed",
    "rework_closed",
    "returned",
    "extended",
    "merged",
    "voided",
    "redispatched",
]
SOLVED = ["solved", "partly", "unsolved"]
RATED = ["satisfied", "basically", "unsatisfied", "no_rating"]

history = st.lists(
    st.tuples(
        st.sampled_from(PATHS),
        st.integers(2, 27),
        st.integers(1, 25),
        st.sampled_from(SOLVED),
        st.sampled_from(RATED),
        st.booleans(),
    ),
    min_size=1,
    max_size=6,
)


def _play(w: World, path: str, day: int, later: int, solved: str, rated: str, noise: bool) -> None:
    extra = {"category": w.cat_noise} if noise else {}
    start = t(day)
    step = t(day) + dt.timedelta(days=later)
    with at(start):
        if path == "new":
            w.new_order(**extra)
            return
        if path == "answered":
            w.answered(**extra)
            return
        if path == "voided":
            w.voided()
            return
        if path == "merged":
            w.merged()
            return
        order = w.dispatched(**extra)
        if path == "dispatched":
            return
        if path == "redispatched":
            actions.redispatch(order, actor=w.dispatcher, lead_unit=w.dept_b, reason="应由市场监管处理。")
            return
        order = actions.sign_for(order, actor=w.handler_a)
    # Too late for a return or an extension: the order stays as it is.
    with at(step), contextlib.suppress(InvalidInput):
        _later(w, order, path, solved, rated)


def _later(w: World, order: WorkOrder, path: str, solved: str, rated: str) -> None:
    if path == "returned":
        order = actions.request_return(order, actor=w.handler_a, reason="不属本单位职责。")
        actions.approve_return(order, actor=w.dispatcher, new_lead_unit=w.dept_c)
        return
    if path == "extended":
        order = actions.request_extension(order, actor=w.handler_a, days=5, reason="需协调施工单位。")
        order = actions.approve_extension(order, actor=w.dispatcher)
    if path == "signed":
        return
    order = actions.reply(order, actor=w.handler_a, result="solved", text="已处理。")
    order = actions.accept_reply(order, actor=w.dispatcher)
    if path == "rework_closed":
        order = actions.record_callback(
            order,
            actor=w.callback_agent,
            solved="unsolved",
            satisfaction="unsatisfied",
            rework=True,
            comment="未修好。",
        )
        order = actions.reply(order, actor=w.handler_a, result="solved", text="已再次处理。")
        order = actions.accept_reply(order, actor=w.dispatcher)
    actions.record_callback(order, actor=w.callback_agent, solved=solved, satisfaction=rated)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=history, judged=st.integers(0, 40), first=st.integers(1, 40), length=st.integers(0, 35))
def test_random_histories_give_equal_figures(
    w: World, steps: list[tuple], judged: int, first: int, length: int
) -> None:
    with transaction.atomic():
        half = len(steps) // 2
        for step in steps[:half]:
            _play(w, *step)
        with at(t(28, 20)):
            rollups.run_rollup_sweep()  # the first sweep builds everything; the next takes in changes
        for step in steps[half:]:
            _play(w, *step)
        now = t(20, 12, month=4) + dt.timedelta(days=judged)
        with at(now):
            rollups.run_rollup_sweep()
        start = dt.date(2026, 3, 1) + dt.timedelta(days=first - 1)
        days = rollups.Days(start, start + dt.timedelta(days=length))
        for filters in (Filters(), Filters(lead_unit=w.dept_a, include_sub_units=False), Filters(category=w.cat_noise)):
            assert_equal(days, filters, now)
        transaction.set_rollback(True)
