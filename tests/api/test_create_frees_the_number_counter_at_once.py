"""POST /orders takes the new order's number in a transaction of its own, committed at once: the
day's counter, which every new order must update, is not held while the order, its event, its
messages and the answer are written. Another order can be numbered meanwhile."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection, connections
from django.utils import timezone

from civicdesk.orders.models import WorkOrder
from civicdesk.orders.reactions import When, subscribe, unsubscribe
from tests.api.conftest import order_body
from tests.world import World

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite lets one transaction write at a time, whatever rows it locks: a second writer always waits",
)
def test_another_order_takes_its_number_while_a_new_order_is_being_written(w: World, as_user: Any) -> None:
    op = as_user(w.operator)
    assert op.create(order_body()).status_code == 201  # today's counter exists from here on
    taken: list[int] = []

    def number_another_meanwhile(order: WorkOrder, event: Any, store: Any) -> None:
        # Inside the creating transaction: another connection, as another request would.
        other = connections.create_connection("default")
        try:
            with other.cursor() as cursor:
                cursor.execute("SET lock_timeout = '3s'")
                cursor.execute(
                    "UPDATE orders_ordernumbercounter SET last = last + 1 WHERE day = %s RETURNING last",
                    [timezone.localdate()],
                )
                taken.append(int(cursor.fetchone()[0]))
        finally:
            other.close()

    subscribe("tests.number_meanwhile", number_another_meanwhile, when=When.IN_TRANSACTION, actions={"create"})
    try:
        answer = op.create(order_body(title="人民路路灯不亮"))
    finally:
        unsubscribe("tests.number_meanwhile")
    assert answer.status_code == 201, answer.content
    ours = int(answer.json()["number"][-5:])
    assert taken == [ours + 1]  # not waiting for our commit: the counter was free
    assert WorkOrder.objects.filter(number=answer.json()["number"]).count() == 1
