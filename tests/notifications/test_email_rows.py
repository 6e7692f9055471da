"""The outbox rules write an e-mail row beside the inbox message for staff with an address."""

from __future__ import annotations

from civicdesk.notifications.models import Medium, OutboxMessage
from civicdesk.orders.models import OrderEvent
from tests.world import World


def _rows(event: OrderEvent, medium: str) -> set[tuple[int | None, str]]:
    return set(OutboxMessage.objects.filter(event=event, medium=medium).values_list("user_id", "address"))


def test_staff_with_an_address_also_get_an_email(w: World) -> None:
    w.handler_a.email = "handler@zj.example"
    w.handler_a.save()
    order = w.dispatched()
    event = OrderEvent.objects.get(order=order, action="dispatch")
    inbox = OutboxMessage.objects.get(event=event, user=w.handler_a, medium=Medium.INBOX)
    email = OutboxMessage.objects.get(event=event, user=w.handler_a, medium=Medium.EMAIL)
    assert email.address == "handler@zj.example"
    assert email.template == "dispatch"
    assert email.text == inbox.text


def test_staff_without_an_address_get_no_email(w: World) -> None:
    order = w.dispatched()
    event = OrderEvent.objects.get(order=order, action="dispatch")
    assert _rows(event, Medium.INBOX)
    assert _rows(event, Medium.EMAIL) == set()


def test_the_actor_gets_no_email_of_their_own_move(w: World) -> None:
    w.dispatcher.email = "disp@hub.example"
    w.dispatcher.save()
    order = w.dispatched()
    event = OrderEvent.objects.get(order=order, action="dispatch")
    assert (w.dispatcher.pk, "disp@hub.example") not in _rows(event, Medium.EMAIL)


def test_citizens_still_get_sms_only(w: World) -> None:
    order = w.new_order()
    event = order.events.get()
    assert _rows(event, Medium.EMAIL) == set()
    assert _rows(event, Medium.SMS) == {(None, "13800001234")}
