"""The search result says "N+" past a cap and never counts every match of the history: each
COUNT the page runs stops at the cap (a LIMIT inside it)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from civicdesk.lib import paging
from civicdesk.orders.models import WorkOrder
from tests.console.helpers import client_for, order_numbers, text
from tests.world import World

pytestmark = pytest.mark.django_db


def counts(queries: list[dict[str, str]]) -> list[str]:
    return [q["sql"] for q in queries if "COUNT(" in q["sql"].upper()]


def test_past_the_cap_it_says_plus_and_counts_no_further(w: World, monkeypatch: pytest.MonkeyPatch) -> None:
    from civicdesk.orders.views import lists

    monkeypatch.setattr(paging, "COUNT_CAP", 3)
    monkeypatch.setattr(lists, "PAGE_SIZE", 2)
    made = [w.new_order(title=f"停水第{i}次") for i in range(5)]
    client = client_for(w.dispatcher)
    with CaptureQueriesContext(connection) as queries:
        html = text(client.get("/orders/search/", {"q": "停水"}))
    assert re.search(r'<span class="badge bg-secondary">3\+</span>', html)
    assert order_numbers(html) == [made[4].number, made[3].number]
    found = counts(queries.captured_queries)
    assert found, "the page shows a count"
    assert all("LIMIT" in sql.upper() for sql in found), found


def test_below_the_cap_the_count_is_exact(w: World) -> None:
    for i in range(2):
        w.new_order(title=f"停水第{i}次")
    html = text(client_for(w.dispatcher).get("/orders/search/", {"q": "停水"}))
    assert re.search(r'<span class="badge bg-secondary">2</span>', html)


@pytest.mark.parametrize(
    ("ages", "shown"),
    [
        # Two this week and two this quarter: past the cap within the quarter.
        ((1, 2, 30, 60), "3+"),
        # One this week, one this quarter, two older: past the cap only over the whole history.
        ((1, 30, 200, 400), "3+"),
        # Three in all, one of them older than the quarter: the exact count.
        ((1, 30, 400), "3"),
    ],
)
def test_the_count_is_the_same_whichever_window_reaches_the_cap(
    w: World, monkeypatch: pytest.MonkeyPatch, ages: tuple[int, ...], shown: str
) -> None:
    monkeypatch.setattr(paging, "COUNT_CAP", 3)
    now = timezone.now()
    for age in ages:
        order = w.new_order(title=f"停水{age}天前")
        WorkOrder.objects.filter(pk=order.pk).update(created_at=now - timedelta(days=age))
    w.new_order(title="路灯不亮")
    html = text(client_for(w.dispatcher).get("/orders/search/", {"q": "停水"}))
    assert re.search(rf'<span class="badge bg-secondary">{re.escape(shown)}</span>', html)
    assert len(order_numbers(html)) == min(len(ages), 3)
