"""The unit inbox pages through everything the unit owes, nearest deadline first: the orders it
leads and the orders it assists on, each once, page after page, and a page past the end shows
the last one."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine

from civicdesk.orders import actions
from civicdesk.orders.models import WorkOrder
from civicdesk.orders.views import unit
from tests.console_units.conftest import at
from tests.console_units.helpers import client_for, order_numbers, text
from tests.world import World


def test_pages_follow_the_deadlines_across_held_and_assisted_orders(w: World, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(unit, "PAGE_SIZE", 2)
    start = at(2026, 3, 2, 9, 0)
    orders: list[WorkOrder] = []
    for day in range(5):
        # Dispatched a day apart, so their deadlines are a day apart: held by dept_b on even
        # days, led by dept_a with dept_b assisting on odd ones.
        with time_machine.travel(start + timedelta(days=day), tick=False):
            if day % 2:
                orders.append(w.joint(w.dept_b))
            else:
                orders.append(actions.dispatch(w.new_order(), actor=w.dispatcher, lead_unit=w.dept_b))
    by_deadline = [o.number for o in sorted(orders, key=lambda o: (WorkOrder.objects.get(pk=o.pk).handle_due_at, o.pk))]
    client = client_for(w.handler_b)
    with time_machine.travel(start + timedelta(days=6), tick=False):
        pages = [order_numbers(text(client.get("/orders/inbox/", {"page": n}))) for n in (1, 2, 3, 4)]
    assert pages[0] + pages[1] + pages[2] == by_deadline
    assert [len(p) for p in pages[:3]] == [2, 2, 1]
    assert pages[3] == pages[2]  # past the end: the last page
