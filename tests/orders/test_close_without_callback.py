from __future__ import annotations

import pytest

from civicdesk.orders import actions
from civicdesk.orders.errors import InvalidInput
from civicdesk.orders.workflow import State
from tests.world import World


@pytest.mark.parametrize("persona", ["callback_agent", "dispatcher"])
def test_it_closes_with_the_reason_kept(w: World, persona: str) -> None:
    order = actions.close_without_callback(w.awaiting_callback(), actor=getattr(w, persona), reason="三次回访均未接通")

    order.refresh_from_db()
    assert order.state == State.CLOSED
    assert order.no_callback_reason == "三次回访均未接通"
    assert order.closed_at is not None
    assert order.callback_satisfaction == ""
    event = order.events.last()
    assert (event.action, event.to_state, event.note) == ("close_without_callback", State.CLOSED, "三次回访均未接通")


def test_it_needs_a_reason(w: World) -> None:
    order = w.awaiting_callback()

    with pytest.raises(InvalidInput) as caught:
        actions.close_without_callback(order, actor=w.callback_agent, reason="")

    assert caught.value.fields == {"reason": "请填写免回访原因。"}
    order.refresh_from_db()
    assert order.state == State.AWAITING_CALLBACK
