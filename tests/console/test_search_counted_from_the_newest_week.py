"""When the last week alone holds more matches than the count's cap, the search shows "1,000+"
and its first pages from that one read of the week's matches: it does not count the word over
the whole history as well (issue #20: 1,900 matches of 停水 in a week of the ten-million-order
benchmark, where counting every candidate order of the word took 20 ms more)."""

from __future__ import annotations

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


def test_a_week_past_the_cap_gives_the_count_and_the_pages(w: World, monkeypatch: pytest.MonkeyPatch) -> None:
    from civicdesk.orders.views import lists

    monkeypatch.setattr(paging, "COUNT_CAP", 3)
    monkeypatch.setattr(lists, "PAGE_SIZE", 2)
    now = timezone.now()
    made = {}
    for age in (1, 2, 3, 4, 5, 40):  # days: five of the last week, one older
        order = w.new_order(title=f"小区停水{age}天前")
        WorkOrder.objects.filter(pk=order.pk).update(created_at=now - timedelta(days=age))
        made[age] = order.number
    client = client_for(w.dispatcher)

    with CaptureQueriesContext(connection) as queries:
        first = text(client.get("/orders/search/", {"q": "停水"}))
    # Read before the next request: its start empties the connection's log of queries.
    sql = [q["sql"] for q in queries.captured_queries]
    second = text(client.get("/orders/search/", {"q": "停水", "page": 2}))

    assert "3+" in first and "3+" in second
    assert order_numbers(first) == [made[1], made[2]]
    assert order_numbers(second) == [made[3]]  # the pages stop at the cap
    assert sql  # the capture saw the page's queries
    assert any("停水" in query for query in sql)  # (the word is in the logged SQL)
    counts = [query for query in sql if "COUNT(" in query and "停水" in query]
    assert counts == []  # the week's matches were the count


def test_a_quiet_week_still_counts_the_whole_history(w: World, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(paging, "COUNT_CAP", 3)
    now = timezone.now()
    numbers = []
    for age in (1, 100, 200):
        order = w.new_order(title=f"井盖缺失{age}天前")
        WorkOrder.objects.filter(pk=order.pk).update(created_at=now - timedelta(days=age))
        numbers.append(order.number)
    html = text(client_for(w.dispatcher).get("/orders/search/", {"q": "井盖"}))
    assert "3+" not in html
    assert order_numbers(html) == numbers  # the week's one, then the older ones, newest first
