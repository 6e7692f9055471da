"""POST /orders under load: the new order's row is written once, as its creation leaves it, and
the day's number counter (every new order waits on its row until the creating transaction ends)
is bumped by one statement. bench/intake_load.py measures what this buys."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from civicdesk.orders.models import WorkOrder
from tests.api.conftest import order_body


def test_a_new_order_is_inserted_once_and_numbered_by_one_statement(w, as_user):
    op = as_user(w.operator)
    first = op.create(order_body())  # today's counter exists from here on
    with CaptureQueriesContext(connection) as queries:
        answer = op.create(order_body(title="人民路路灯不亮"))
    assert first.status_code == answer.status_code == 201
    order = WorkOrder.objects.get(number=answer.json()["number"])
    assert int(order.number) == int(first.json()["number"]) + 1
    assert (order.state, order.version, order.event_count) == ("received", 1, 1)
    assert list(order.events.values_list("seq", "action")) == [(1, "create")]
    sql = [q["sql"] for q in queries.captured_queries]
    order_writes = [s for s in sql if s.startswith(('INSERT INTO "orders_workorder" ', 'UPDATE "orders_workorder" '))]
    assert len(order_writes) == 1 and order_writes[0].startswith("INSERT"), order_writes
    counter = [s for s in sql if '"orders_ordernumbercounter"' in s]
    # RETURNING (PostgreSQL, SQLite 3.35+) gives the new value with the update itself.
    assert len(counter) == (1 if connection.features.can_return_columns_from_insert else 2), counter
