"""The dispatch board's rows name each order's category and area from the process's copies of
the catalogue and the unit tree (orders.copies), not from tables joined into the rows' look-up
(four joins were 1.7-2.0 ms of PostgreSQL planning a page), and a renamed category shows at the
next look."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.console_hub.helpers import client_for, row, text
from tests.world import World


def _rows_look_up(seen: CaptureQueriesContext) -> str:
    (look_up,) = [
        q["sql"]
        for q in seen.captured_queries
        if q["sql"].startswith('SELECT "orders_workorder"."id", "orders_workorder"."number"')
    ]
    return look_up


def test_the_rows_name_category_and_area_without_joining_them(w: World) -> None:
    order = w.pending()
    client = client_for(w.dispatcher)
    client.get("/orders/dispatch/")  # fills the per-process copies
    with CaptureQueriesContext(connection) as seen:
        html = text(client.get("/orders/dispatch/"))
    assert "路面破损 / 崖头街道" in row(html, "pending", order.number)
    look_up = _rows_look_up(seen)
    assert "JOIN" not in look_up, look_up


def test_a_renamed_category_is_shown_at_the_next_look(w: World) -> None:
    w.pending()
    client = client_for(w.dispatcher)
    assert "路面破损 / 崖头街道" in text(client.get("/orders/dispatch/"))
    w.cat_potholes.name = "路面坑洼"
    w.cat_potholes.save()
    html = text(client.get("/orders/dispatch/"))
    assert "路面坑洼 / 崖头街道" in html
    assert "路面破损" not in html
