from __future__ import annotations

from civicdesk.notifications.models import OutboxMessage
from civicdesk.orders import actions
from civicdesk.orders.workflow import State
from tests.world import World


def test_it_puts_the_order_in_the_dispatch_queue(w: World) -> None:
    order = actions.send_to_hub(w.new_order(), actor=w.operator, note="涉及多个部门，请派单员研判。")

    order.refresh_from_db()
    assert order.state == State.PENDING_DISPATCH
    event = order.events.last()
    assert (event.action, event.from_state, event.to_state) == ("send_to_hub", State.RECEIVED, State.PENDING_DISPATCH)
    assert event.note == "涉及多个部门，请派单员研判。"
    assert event.acting_unit == w.hub


def test_it_does_not_start_any_clock(w: World) -> None:
    order = actions.send_to_hub(w.new_order(), actor=w.operator)

    order.refresh_from_db()
    assert order.dispatched_at is None
    assert order.sign_due_at is None
    assert order.handle_due_at is None


def test_it_tells_the_owner_when_someone_else_sends_it(w: World) -> None:
    order = actions.send_to_hub(w.new_order(), actor=w.dispatcher)

    event = order.events.last()
    assert list(OutboxMessage.objects.filter(event=event).values_list("user", flat=True)) == [w.operator.pk]
