"""A worker that dies after handing a message to the gateway, before recording the outcome:
the message is never sent twice.

Non-idempotent backends leave it "unknown" for a person; a gateway that takes the outbox id
gets it again with the same id, so a send that did happen is dropped as a repeat."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.utils import timezone
from pytest_django.fixtures import Settings

from civicdesk.notifications.backends import HttpSmsBackend
from civicdesk.notifications.delivery import _hand_over, claim, deliver_outbox
from civicdesk.notifications.models import DeliveryAttempt, DeliveryStatus
from tests.notifications.helpers import Gateway, RecordingSmsBackend, sms_of
from tests.world import World


def _after_lease(settings: Settings) -> dt.datetime:
    return timezone.now() + dt.timedelta(seconds=settings.CIVICDESK_OUTBOX_LEASE + 1)


def test_a_message_abandoned_mid_send_becomes_unknown_not_resent(
    w: World, settings: Settings, recorder: type[RecordingSmsBackend]
) -> None:
    order = w.new_order()
    [claimed] = claim("dead-worker", 10)
    _hand_over(claimed)  # ...and the worker dies here, inside the gateway call
    deliver_outbox(worker="live")
    assert sms_of(order).status == DeliveryStatus.SENDING  # within the lease: left alone
    with time_machine.travel(_after_lease(settings), tick=False):
        deliver_outbox(worker="live")
        deliver_outbox(worker="live")
    message = sms_of(order)
    assert message.status == DeliveryStatus.UNKNOWN
    assert recorder.sent == []
    [attempt] = DeliveryAttempt.objects.filter(message=message)
    assert not attempt.ok and attempt.worker == "live"
    assert "claimed by dead-worker" in attempt.error and "not resent" in attempt.error


def test_an_idempotent_gateway_gets_it_again_with_the_same_id(w: World, settings: Settings, gateway: Gateway) -> None:
    settings.CIVICDESK_SMS_BACKEND = "http"
    settings.CIVICDESK_SMS_GATEWAY = gateway.config()
    order = w.new_order()
    [claimed] = claim("dead-worker", 10)
    # The dead worker did reach the gateway before dying, but never recorded it.
    _hand_over(claimed)
    assert HttpSmsBackend().send(claimed.address, claimed.text, str(claimed.pk)).ok
    with time_machine.travel(_after_lease(settings), tick=False):
        deliver_outbox(worker="live")
    message = sms_of(order)
    assert message.status == DeliveryStatus.SENT
    assert [r["query"]["id"] for r in gateway.requests] == [str(message.pk)] * 2
    assert gateway.delivered == [str(message.pk)]  # the repeat was dropped by its id
    attempts = list(DeliveryAttempt.objects.filter(message=message))
    assert [a.ok for a in attempts] == [False, True]
    assert "same message id" in attempts[0].error


def test_the_late_worker_that_did_send_settles_an_unknown(
    w: World, settings: Settings, recorder: type[RecordingSmsBackend]
) -> None:
    from civicdesk.notifications.delivery import Backends, _record, _send

    order = w.new_order()
    [claimed] = claim("slow-worker", 10)
    _hand_over(claimed)  # the gateway is slow to answer
    with time_machine.travel(_after_lease(settings), tick=False):
        deliver_outbox(worker="live")
    assert sms_of(order).status == DeliveryStatus.UNKNOWN
    backends = Backends.configured()
    _record(claimed, "slow-worker", _send(claimed, backends), backends)  # it was only slow
    assert sms_of(order).status == DeliveryStatus.SENT
    assert len(recorder.sent) == 1
