"""A citizen who already rated the order online is not called: the order is not in the queue."""

from __future__ import annotations

from civicdesk.orders import actions, queues
from civicdesk.orders.models import WorkOrder
from civicdesk.orders.workflow import State
from tests.console_units.helpers import client_for, order_numbers, text
from tests.world import World


def _back_to_callback(w: World, order: WorkOrder) -> WorkOrder:
    order = actions.reply(order, actor=w.handler_a, result="solved", text="已重新修复。")
    return actions.accept_reply(order, actor=w.dispatcher)


def test_it_skips_orders_the_citizen_rated_online(w: World) -> None:
    rated = actions.record_callback(
        w.awaiting_callback(), actor=None, solved="solved", satisfaction="satisfied", via="online"
    )
    plain = w.awaiting_callback()
    assert rated.state == State.CLOSED

    queued = list(queues.callback_queue(w.callback_agent).values_list("number", flat=True))
    assert queued == [plain.number]
    html = text(client_for(w.callback_agent).get("/orders/callbacks/"))
    assert set(order_numbers(html)) == {plain.number}


def test_it_calls_about_the_new_reply_after_an_online_rating_sent_the_order_back(w: World) -> None:
    # The online rating was about the first reply; the rework's reply has not been rated yet,
    # and without a call nobody would ever close the order.
    online = actions.record_callback(
        w.awaiting_callback(), actor=None, solved="partly", satisfaction="unsatisfied", rework=True, via="online"
    )
    online = _back_to_callback(w, online)
    assert online.state == State.AWAITING_CALLBACK
    assert online.number in queues.callback_queue(w.callback_agent).values_list("number", flat=True)


def test_it_calls_again_when_a_phone_callback_came_after_the_online_rating(w: World) -> None:
    order = actions.record_callback(
        w.awaiting_callback(), actor=None, solved="unsolved", satisfaction="unsatisfied", rework=True, via="online"
    )
    order = _back_to_callback(w, order)
    order = actions.record_callback(
        order, actor=w.callback_agent, solved="unsolved", satisfaction="unsatisfied", rework=True
    )
    order = _back_to_callback(w, order)

    assert order.number in queues.callback_queue(w.callback_agent).values_list("number", flat=True)
