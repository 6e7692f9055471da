"""Claims: a claimed message is "sending", committed before the backend is called, and a
second worker's claim never overlaps the first's (row locks; on SQLite the write lock)."""

from __future__ import annotations

from pytest_django.fixtures import Settings

from civicdesk.notifications.backends import Outcome, SmsBackend
from civicdesk.notifications.delivery import Backends, EmailSender, claim, deliver_outbox
from civicdesk.notifications.models import DeliveryStatus, OutboxMessage
from tests.notifications.helpers import sms_of
from tests.world import World


def test_two_claims_take_different_messages(w: World) -> None:
    orders = [w.new_order() for _ in range(5)]
    first = claim("A", 2)
    second = claim("B", 10)
    assert len(first) == 2 and len(second) == 3
    assert not {m.pk for m in first} & {m.pk for m in second}
    assert claim("C", 10) == []
    for order in orders:
        message = sms_of(order)
        assert message.status == DeliveryStatus.SENDING
        assert message.claimed_by in {"A", "B"} and message.claimed_at is not None
        assert message.attempt_count == 1


def test_the_message_is_sending_while_the_backend_is_called(w: World) -> None:
    seen: list[str] = []

    class Peeking(SmsBackend):
        def send(self, phone: str, text: str, key: str) -> Outcome:
            seen.append(OutboxMessage.objects.get(pk=int(key)).status)
            return Outcome(True)

    order = w.new_order()
    deliver_outbox(worker="w1", backends=Backends(Peeking(), EmailSender()))
    assert seen == [DeliveryStatus.SENDING]
    assert sms_of(order).status == DeliveryStatus.SENT


def test_a_backend_that_raises_leaves_the_message_for_a_person(w: World, settings: Settings) -> None:
    class Broken(SmsBackend):
        def send(self, phone: str, text: str, key: str) -> Outcome:
            raise RuntimeError("boom")

    order = w.new_order()
    deliver_outbox(worker="w1", backends=Backends(Broken(), EmailSender()))
    message = sms_of(order)
    assert message.status == DeliveryStatus.UNKNOWN
    assert "boom" in message.last_error
