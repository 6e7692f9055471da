"""The order page names the order's category with its parents and its area from the process's
copy of the catalogue (civicdesk.catalogue.tree), not from four more tables joined into its
look-up, and shows a renamed category at the next look."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.console.helpers import client_for, text
from tests.world import World


def test_the_page_names_the_category_lineage_and_area_without_joining_them(w: World) -> None:
    order = w.new_order()
    client = client_for(w.dispatcher)
    client.get(f"/orders/{order.number}/")  # fills the per-process copies
    with CaptureQueriesContext(connection) as seen:
        html = text(client.get(f"/orders/{order.number}/"))
    assert "城乡建设 / 市政道路 / 路面破损" in html
    assert "崖头街道" in html
    (look_up,) = [q["sql"] for q in seen.captured_queries if f"\"number\" = '{order.number}'" in q["sql"]]
    assert "catalogue_" not in look_up


def test_a_renamed_category_is_shown_at_the_next_look(w: World) -> None:
    order = w.new_order()
    client = client_for(w.dispatcher)
    assert "路面破损" in text(client.get(f"/orders/{order.number}/"))
    w.cat_potholes.name = "路面坑洼"
    w.cat_potholes.save()
    html = text(client.get(f"/orders/{order.number}/"))
    assert "城乡建设 / 市政道路 / 路面坑洼" in html
    assert "路面破损" not in html
