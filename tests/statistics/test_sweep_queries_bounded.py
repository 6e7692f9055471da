"""A sweep asks the database as often for many changed orders as for a few (issue #20: at 30
moves a second the sweep must not run a set of queries per order), and a row that does not
hold what an order's footprint says it added is counted again rather than left wrong."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext

from civicdesk.orders import actions
from civicdesk.statistics import rollups
from civicdesk.statistics.measures import Filters
from civicdesk.statistics.models import DailyRollup
from tests.statistics.compare import assert_equal
from tests.statistics.helpers import at, t
from tests.world import World

MARCH = rollups.Days(dt.date(2026, 3, 1), dt.date(2026, 3, 31))


def _sweep_of_moves(w: World, n: int, day: int) -> int:
    """Queries of the sweep that takes in n orders signed for since the last one."""
    with at(t(day)):
        orders = [w.dispatched() for _ in range(n)]
    with at(t(day, 10)):
        rollups.run_rollup_sweep()
    with at(t(day + 1)):
        for order in orders:
            actions.sign_for(order, actor=w.handler_a)
    with at(t(day + 1, 1)), CaptureQueriesContext(connection) as captured:
        assert rollups.run_rollup_sweep() == n
    return len(captured.captured_queries)


def test_a_sweep_of_many_moves_asks_as_often_as_one_of_a_few(w: World) -> None:
    with at(t(2, 8)):
        rollups.run_rollup_sweep()  # built: the next sweeps take changes in
    few = _sweep_of_moves(w, 2, 3)
    many = _sweep_of_moves(w, 15, 5)
    assert many == few
    # The sweep's own reads and writes (its lock and watermark, the events) and the changed
    # orders' in a few statements for any number of them: 32 before the families were read
    # in one query and the rows found by their key, 18 since.
    assert few <= 20, few
    assert_equal(MARCH, Filters(), t(7))


def test_rows_that_lost_what_an_order_added_are_counted_again(w: World) -> None:
    with at(t(2)):
        order = w.dispatched()
        other = w.dispatched()
        rollups.run_rollup_sweep()
    # Rows changed behind the sweep's back (a hand edit, a restore): they no longer hold the
    # orders' dispatches that their footprints say they added.
    DailyRollup.objects.update(disp_total=0, disp_counted=0)
    with at(t(3)):
        actions.redispatch(order, actor=w.dispatcher, lead_unit=w.dept_b, reason="应由市场监管处理。")
    with at(t(3, 1)):
        assert rollups.run_rollup_sweep() == 1
    assert other.pk != order.pk
    assert_equal(MARCH, Filters(), t(4))
