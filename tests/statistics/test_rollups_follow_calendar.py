"""When a calendar change moves an open order's deadline, the order's new event makes the
rollup sweep take it in again: the figures counted by deadline day move with it."""

from __future__ import annotations

import datetime as dt

from civicdesk.statistics import rollups
from civicdesk.statistics.measures import Filters
from civicdesk.statistics.models import PendingItem, PendingKind
from civicdesk.worktime.schedule import change_days
from tests.statistics.compare import assert_equal
from tests.statistics.helpers import at, t
from tests.world import World

JAN_14 = rollups.Days(dt.date(2027, 1, 14), dt.date(2027, 1, 14))
JAN_15 = rollups.Days(dt.date(2027, 1, 15), dt.date(2027, 1, 15))


def test_the_sweep_moves_the_order_to_its_new_deadline_day(w: World) -> None:
    with at(t(24, 10, month=12)):
        order = w.dispatched()  # due 2027-01-14 while 2027 counts Monday–Friday
        rollups.run_rollup_sweep()
    assert PendingItem.objects.get(order_id=order.pk, kind=PendingKind.OPEN_DUE).day == dt.date(2027, 1, 14)

    with at(t(28, 10, month=12)):
        change_days({dt.date(2027, 1, 1): (False, "元旦")}, actor=w.admin, reason="录入 2027 年节假日安排")
        assert rollups.run_rollup_sweep() == 1

    assert PendingItem.objects.get(order_id=order.pk, kind=PendingKind.OPEN_DUE).day == dt.date(2027, 1, 15)
    late = dt.datetime(2027, 1, 20, 9, 0, tzinfo=t(1).tzinfo)
    assert rollups.total(JAN_14, now=late)["completion"].denominator == 0
    assert rollups.total(JAN_15, now=late)["completion"].denominator == 1
    assert_equal(rollups.Days(dt.date(2027, 1, 1), dt.date(2027, 1, 31)), Filters(), late)
