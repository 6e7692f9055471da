from civicdesk.orders import actions
from civicdesk.orders.models import OrderEvent
from civicdesk.orders.workflow import State, replay
from tests.world import World


def test_it_takes_an_order_from_call_to_closed(w: World) -> None:
    order = w.awaiting_callback()
    order = actions.record_callback(order, actor=w.callback_agent, solved="solved", satisfaction="satisfied")
    assert order.state == State.CLOSED
    events = list(OrderEvent.objects.filter(order=order).values_list("action", "from_state", "to_state"))
    assert [e[0] for e in events] == ["create", "dispatch", "sign", "reply", "accept_reply", "record_callback"]
    assert replay(events) == State.CLOSED
