from __future__ import annotations

import pytest

from civicdesk.orders import actions
from civicdesk.orders.errors import InvalidInput, PermissionDenied
from civicdesk.orders.workflow import State
from tests.world import World


@pytest.mark.parametrize("state", ["received", "pending_dispatch"])
def test_it_voids_a_harassing_call_with_the_reason(w: World, state: str) -> None:
    order = actions.void(w.in_state(state), actor=w.dispatcher, reason="同一号码反复骚扰")

    order.refresh_from_db()
    assert order.state == State.VOID
    assert order.void_reason == "同一号码反复骚扰"
    assert order.closed_at is not None
    event = order.events.last()
    assert (event.action, event.from_state, event.to_state, event.note) == (
        "void",
        state,
        State.VOID,
        "同一号码反复骚扰",
    )


def test_it_needs_a_reason(w: World) -> None:
    order = w.new_order()

    with pytest.raises(InvalidInput) as caught:
        actions.void(order, actor=w.dispatcher, reason="")

    assert caught.value.fields == {"reason": "请填写作废原因。"}
    order.refresh_from_db()
    assert order.state == State.RECEIVED


def test_it_is_restricted_to_the_hub(w: World) -> None:
    order = w.new_order()

    with pytest.raises(PermissionDenied) as caught:
        actions.void(order, actor=w.operator, reason="测试电话")

    assert caught.value.message == f"您无权对工单 {order.number} 执行“作废”。"
    order.refresh_from_db()
    assert order.state == State.RECEIVED
