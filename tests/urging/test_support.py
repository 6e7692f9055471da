"""+1 / 附议: once per phone per order, counted on the order, never on a finished order,
and without moving the order's version (staff forms open meanwhile stay valid)."""

from __future__ import annotations

import pytest

from civicdesk.orders import actions
from civicdesk.orders.errors import InvalidInput, InvalidTransition
from civicdesk.orders.models import OrderSupport
from tests.world import World


def test_each_phone_counts_once(w: World) -> None:
    order = w.dispatched()
    version = order.version

    order, new = actions.add_support(order, phone="139 0000 1111")
    assert new and order.support_count == 1
    order, again = actions.add_support(order, phone="13900001111")
    assert not again and order.support_count == 1
    order, other = actions.add_support(order, phone="13900002222")
    assert other and order.support_count == 2

    order.refresh_from_db()
    assert order.support_count == 2 == OrderSupport.objects.filter(order=order).count()
    assert order.version == version


def test_the_phone_is_not_kept_in_clear(w: World) -> None:
    order, _new = actions.add_support(w.dispatched(), phone="13900001111")
    row = OrderSupport.objects.get(order=order)
    assert "13900001111" not in row.phone_hash and len(row.phone_hash) == 64


def test_a_finished_order_takes_no_support(w: World) -> None:
    order = w.closed()
    with pytest.raises(InvalidTransition):
        actions.add_support(order, phone="13900001111")
    order.refresh_from_db()
    assert order.support_count == 0


def test_a_phone_must_be_a_phone(w: World) -> None:
    with pytest.raises(InvalidInput):
        actions.add_support(w.dispatched(), phone="12")
