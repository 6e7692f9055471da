"""Random sequences of live moves, each taken in by a sweep (an order's old contribution out,
its new one in): every rollup row and pending item is what a full rebuild writes (issue #20)."""

from __future__ import annotations

import contextlib
import datetime as dt
from typing import Any

from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from civicdesk.orders import actions
from civicdesk.orders.errors import InvalidInput
from civicdesk.orders.models import WorkOrder
from civicdesk.orders.workflow import TERMINAL, State
from civicdesk.statistics import rollups
from civicdesk.statistics.models import DailyRollup, PendingItem, RollupFootprint, TopicDailyRollup
from tests.statistics.helpers import at, t
from tests.world import World

# A step: a new order (created on a March day, so that a later one may come before an earlier
# one: repeat calls change), or one move of an open order (which order, which variant).
steps = st.lists(
    st.one_of(
        st.tuples(st.just("new"), st.integers(2, 27), st.booleans(), st.booleans()),
        st.tuples(st.just("move"), st.integers(0, 50), st.integers(0, 3), st.booleans()),
    ),
    min_size=2,
    max_size=14,
)


def _new(w: World, day: int, noise: bool, topic: bool) -> None:
    extra: dict[str, Any] = {"category": w.cat_noise} if noise else {}
    if topic:
        extra["topics"] = [w.topic_epidemic]
    with at(t(day)):
        order = w.new_order(**extra)
        if day % 3 == 0:
            actions.answer_immediately(order, actor=w.operator, answer="已当场答复。")


def _move(w: World, order: WorkOrder, variant: int, flag: bool) -> None:
    """The order's next move along its way (a variant where there are several)."""
    handler = {w.dept_a.pk: w.handler_a, w.dept_b.pk: w.handler_b, w.dept_c.pk: w.handler_c}.get(
        order.lead_unit_id or 0, w.handler_a
    )
    state = order.state
    if state in (State.RECEIVED, State.PENDING_DISPATCH):
        actions.dispatch(order, actor=w.dispatcher, lead_unit=w.dept_b if flag else w.dept_a)
    elif state == State.DISPATCHED and variant == 0:
        actions.redispatch(order, actor=w.dispatcher, lead_unit=w.dept_c, reason="应由其他单位办理。")
    elif state == State.DISPATCHED:
        actions.sign_for(order, actor=handler)
    elif state == State.SIGNED and variant == 0:
        order = actions.request_extension(order, actor=handler, days=5, reason="需协调施工单位。")
        actions.approve_extension(order, actor=w.dispatcher)
    elif state == State.SIGNED and variant == 1:
        actions.urge(order, actor=w.operator)
    elif state in (State.SIGNED, State.REWORK):
        actions.reply(order, actor=handler, result="solved", text="已处理。")
    elif state == State.REPLIED and variant == 0:
        actions.send_back_reply(order, actor=w.dispatcher, reason="答复不完整。")
    elif state == State.REPLIED:
        actions.accept_reply(order, actor=w.dispatcher)
    elif state == State.AWAITING_CALLBACK:
        solved = ["solved", "partly", "unsolved", "unsolved"][variant]
        actions.record_callback(
            order,
            actor=w.callback_agent,
            solved=solved,
            satisfaction="unsatisfied" if flag else "satisfied",
            rework=flag and solved == "unsolved",
            comment="回访。",
        )


def _snapshot() -> dict[str, list[tuple[Any, ...]]]:
    """Every row, without its id (ht_minutes rounded: a sum of floats in another order)."""
    result = {}
    for model in (DailyRollup, TopicDailyRollup):
        names = [f.name for f in model._meta.concrete_fields if f.name not in ("id", "ht_minutes")]
        result[model.__name__] = sorted(
            ((*row[:-1], round(row[-1], 6)) for row in model.objects.values_list(*names, "ht_minutes")), key=repr
        )
    names = [f.name for f in PendingItem._meta.concrete_fields if f.name != "id"]
    result["PendingItem"] = sorted(PendingItem.objects.values_list(*names), key=repr)
    return result


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(plan=steps)
def test_a_sweep_after_each_move_leaves_what_a_rebuild_writes(w: World, plan: list[tuple[Any, ...]]) -> None:
    with transaction.atomic():
        with at(t(1, 8)):
            w.new_order()
        with at(t(28, 20)):
            rollups.run_rollup_sweep()  # the first sweep builds everything
        clock = t(29, 8)
        for step in plan:
            clock += dt.timedelta(hours=3)
            if step[0] == "new":
                _new(w, *step[1:])
            else:
                open_orders = list(WorkOrder.objects.exclude(state__in=TERMINAL).order_by("pk"))
                if open_orders:
                    with at(clock), contextlib.suppress(InvalidInput):
                        _move(w, open_orders[step[1] % len(open_orders)], step[2], step[3])
            with at(clock + dt.timedelta(minutes=1)):
                rollups.run_rollup_sweep()
        # Every open order's footprint holds its contribution: the next move is taken in by it.
        assert not RollupFootprint.objects.filter(contribution__isnull=True).exists()
        swept = _snapshot()
        with at(clock + dt.timedelta(minutes=2)):
            rollups.rebuild()
        assert swept == _snapshot()
        transaction.set_rollback(True)
