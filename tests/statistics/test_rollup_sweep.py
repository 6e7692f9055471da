from __future__ import annotations

import datetime as dt

import pytest

from civicdesk.orders import actions
from civicdesk.statistics import rollups
from civicdesk.statistics.measures import Filters
from civicdesk.statistics.models import RollupState
from tests.statistics.compare import assert_equal
from tests.statistics.helpers import at, t
from tests.world import World

MARCH = rollups.Days(dt.date(2026, 3, 1), dt.date(2026, 3, 31))
DAY_23 = rollups.Days(dt.date(2026, 3, 23), dt.date(2026, 3, 23))
DAY_30 = rollups.Days(dt.date(2026, 3, 30), dt.date(2026, 3, 30))


def test_an_extension_moves_the_order_from_its_old_deadline_day_to_the_new_one(w: World) -> None:
    with at(t(2)):
        order = w.signed()  # due Monday 23 March
    with at(t(5)):
        rollups.run_rollup_sweep()
    with at(t(24)):
        before = rollups.total(DAY_23, now=t(24))
    assert (before["completion"].numerator, before["completion"].denominator) == (0, 1)
    with at(t(20)):
        order = actions.request_extension(order, actor=w.handler_a, days=5, reason="需协调施工单位。")
        order = actions.approve_extension(order, actor=w.dispatcher)
    with at(t(20, 10)):
        rollups.run_rollup_sweep()
    # The old day no longer holds it; the new deadline day (Monday 30 March) does.
    assert rollups.total(DAY_23, now=t(31))["completion"].denominator == 0
    assert rollups.total(DAY_30, now=t(31))["completion"].denominator == 1
    assert_equal(MARCH, Filters(), t(31))


def test_a_redispatch_moves_the_order_to_the_new_unit(w: World) -> None:
    with at(t(2)):
        order = w.dispatched()
        rollups.run_rollup_sweep()
    with at(t(2, 10)):
        actions.redispatch(order, actor=w.dispatcher, lead_unit=w.dept_b, reason="应由市场监管处理。")
        rollups.run_rollup_sweep()
    codes = ["accepted", "dispatches"]
    mine = rollups.total(MARCH, Filters(lead_unit=w.dept_a, include_sub_units=False), now=t(3), codes=codes)
    theirs = rollups.total(MARCH, Filters(lead_unit=w.dept_b, include_sub_units=False), now=t(3), codes=codes)
    assert (mine["accepted"].numerator, theirs["accepted"].numerator) == (0, 1)
    # Each unit keeps the dispatch it received (响应率 counts dispatches by the receiving unit).
    assert (mine["dispatches"].numerator, theirs["dispatches"].numerator) == (1, 1)
    assert_equal(MARCH, Filters(lead_unit=w.dept_a, include_sub_units=False), t(3))


def test_recent_events_are_looked_at_again_until_settled_but_taken_in_once(w: World) -> None:
    with at(t(2)):
        w.dispatched()
        assert rollups.run_rollup_sweep() == 1
        # Within the settling time the watermark stays below the events (a slower transaction
        # may still commit an event with a smaller id), but what was taken in is not again.
        assert rollups.run_rollup_sweep() == 0
        assert RollupState.objects.get().last_event_id == 0
    with at(t(2, 10)):
        assert rollups.run_rollup_sweep() == 0
    assert RollupState.objects.get().last_event_id > 0  # settled: the watermark moved past them
    assert RollupState.objects.get().seen_events == ""


def test_an_event_committed_late_below_seen_ones_is_taken_in(w: World) -> None:
    with at(t(2)):
        late = w.dispatched()
        early = w.dispatched()
        rollups.run_rollup_sweep()
        # As if the sweep had read while the first order's transaction was still open: it saw
        # only the second order's events, which have the larger ids.
        from civicdesk.orders.models import OrderEvent

        seen = " ".join(str(pk) for pk in OrderEvent.objects.filter(order=early).values_list("pk", flat=True))
        RollupState.objects.update(last_event_id=0, seen_events=seen)
        assert rollups.run_rollup_sweep() == 1  # the late order, not the early one again
    assert late.pk != early.pk
    assert_equal(MARCH, Filters(), t(3))


@pytest.mark.django_db(transaction=True)
def test_a_sweep_skips_while_another_worker_holds_the_lock(w: World) -> None:
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("row locks with SKIP LOCKED need PostgreSQL")
    import threading

    with at(t(2)):
        w.dispatched()
    RollupState.objects.get_or_create(name=rollups.STATE_NAME)
    from django.db import transaction

    results: list[int] = []
    with transaction.atomic():
        RollupState.objects.select_for_update().get(name=rollups.STATE_NAME)

        def other() -> None:
            from django.db import connections

            try:
                results.append(rollups.run_rollup_sweep())
            finally:
                connections.close_all()

        thread = threading.Thread(target=other)
        thread.start()
        thread.join()
    assert results == [0]
    assert rollups.run_rollup_sweep() == 1  # once the lock is free, the order is taken in


def test_a_merge_and_a_rework_after_a_sweep_leave_no_trace_on_the_old_days(w: World) -> None:
    with at(t(2)):
        parent = w.dispatched()
        child = w.signed()
        reworked = actions.accept_reply(w.replied(), actor=w.dispatcher)
        rollups.run_rollup_sweep()
    assert rollups.total(MARCH, now=t(3))["accepted"].numerator == 3
    with at(t(3)):
        actions.merge(child, actor=w.dispatcher, into=parent)  # counted once: in its parent
        actions.record_callback(
            reworked,
            actor=w.callback_agent,
            solved="unsolved",
            satisfaction="unsatisfied",
            rework=True,
            comment="仍未修好。",
        )  # its reply of 2 March is gone
        rollups.run_rollup_sweep()
    after = rollups.total(MARCH, now=t(4))
    assert after["accepted"].numerator == 2
    assert (after["handling_time"].denominator, after["satisfaction"].denominator) == (0, 1)
    assert_equal(MARCH, Filters(), t(4))
