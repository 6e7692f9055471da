"""Past the count's cap, a word search reads its pages from recent orders first (issue #20),
and every page still shows the same orders, newest first, as the whole history sorted by
time would: those of the last days, then older ones once the recent ones run out, none
twice and none left out."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from civicdesk.lib import paging
from civicdesk.orders.models import WorkOrder
from tests.console.helpers import client_for, order_numbers, text
from tests.world import World

pytestmark = pytest.mark.django_db


def test_pages_past_the_cap_hold_the_newest_orders_in_order(w: World, monkeypatch: pytest.MonkeyPatch) -> None:
    from civicdesk.orders.views import lists

    monkeypatch.setattr(paging, "COUNT_CAP", 3)
    monkeypatch.setattr(lists, "PAGE_SIZE", 2)
    now = timezone.now()
    # Two orders of the last week, two of the last quarter, two older, and one without the word.
    ages = [1, 3, 30, 60, 200, 300]
    made = {}
    for age in ages:
        order = w.new_order(title=f"小区停水{age}天前")
        WorkOrder.objects.filter(pk=order.pk).update(created_at=now - timedelta(days=age))
        made[age] = order.number
    other = w.new_order(title="路灯不亮")
    client = client_for(w.dispatcher)

    def page(number: int) -> list[str]:
        html = text(client.get("/orders/search/", {"q": "停水", "page": number}))
        assert "3+" in html
        return order_numbers(html)

    # The pages stop at the cap (3 orders, two pages of two), newest first.
    assert page(1) == [made[1], made[3]]
    # The second page needs the last quarter: the week holds two orders only.
    assert page(2) == [made[30]]
    assert other.number not in page(1) + page(2)


def test_a_page_the_recent_windows_cannot_fill_comes_from_the_whole_history(
    w: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    from civicdesk.orders.views import lists

    monkeypatch.setattr(paging, "COUNT_CAP", 2)
    monkeypatch.setattr(lists, "PAGE_SIZE", 2)
    now = timezone.now()
    numbers = []
    for age in (2, 400, 500):
        order = w.new_order(title=f"井盖缺失{age}天前")
        WorkOrder.objects.filter(pk=order.pk).update(created_at=now - timedelta(days=age))
        numbers.append(order.number)
    html = text(client_for(w.dispatcher).get("/orders/search/", {"q": "井盖"}))
    assert "2+" in html
    assert order_numbers(html) == numbers[:2]
