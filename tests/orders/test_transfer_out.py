from __future__ import annotations

import pytest

from civicdesk.orders import actions
from civicdesk.orders.errors import InvalidInput
from civicdesk.orders.workflow import State
from tests.world import World


@pytest.mark.parametrize("route", ["110", "court", "petition"])
def test_it_sends_the_matter_to_its_route_and_records_what_the_caller_was_told(w: World, route: str) -> None:
    order = actions.transfer_out(w.new_order(), actor=w.operator, route=route, told_caller="已告知来电人相应途径。")

    order.refresh_from_db()
    assert order.state == State.TRANSFERRED
    assert order.transfer_route == route
    assert order.closed_at is not None
    event = order.events.last()
    assert (event.action, event.note, event.data) == ("transfer_out", "已告知来电人相应途径。", {"route": route})


def test_it_transfers_from_the_dispatch_queue(w: World) -> None:
    order = actions.transfer_out(w.pending(), actor=w.dispatcher, route="120", told_caller="已转120。")

    assert order.state == State.TRANSFERRED


@pytest.mark.parametrize(
    ("route", "told", "field", "message"),
    [("999", "已告知", "route", "请选择转出途径。"), ("110", "", "told_caller", "请记录告知来电人的内容。")],
)
def test_it_needs_a_known_route_and_what_the_caller_was_told(
    w: World, route: str, told: str, field: str, message: str
) -> None:
    order = w.new_order()

    with pytest.raises(InvalidInput) as caught:
        actions.transfer_out(order, actor=w.operator, route=route, told_caller=told)

    assert caught.value.fields == {field: message}
    order.refresh_from_db()
    assert order.state == State.RECEIVED
