from __future__ import annotations

import pytest

from civicdesk.orders import actions
from civicdesk.orders.errors import InvalidInput
from civicdesk.orders.models import OrderEvent
from civicdesk.orders.workflow import State
from tests.world import World


def test_it_closes_the_order_on_the_call_with_the_articles_used(w: World) -> None:
    order = w.new_order(request_type="enquiry", title="社保卡补办需要什么材料")

    order = actions.answer_immediately(
        order, actor=w.operator, answer="携带身份证到社保大厅办理。", article_ids=[12, "15"]
    )

    order.refresh_from_db()
    assert order.state == State.ANSWERED
    assert order.answer_text == "携带身份证到社保大厅办理。"
    assert order.closed_at is not None
    assert order.dispatched_at is None
    assert order.handle_due_at is None
    event = order.events.last()
    assert (event.action, event.from_state, event.to_state) == ("answer", State.RECEIVED, State.ANSWERED)
    assert event.data == {"articles": [12, 15]}


def test_it_lets_a_dispatcher_answer_too(w: World) -> None:
    order = actions.answer_immediately(w.new_order(), actor=w.dispatcher, answer="已答复。")

    assert order.state == State.ANSWERED


def test_it_needs_the_answer_text(w: World) -> None:
    order = w.new_order()

    with pytest.raises(InvalidInput) as caught:
        actions.answer_immediately(order, actor=w.operator, answer=" ")

    assert caught.value.fields == {"answer": "请填写答复内容。"}
    order.refresh_from_db()
    assert order.state == State.RECEIVED
    assert OrderEvent.objects.filter(order=order).count() == 1
