"""A worker that dies after claiming a message but before handing it to the gateway: nothing
went out, so the message is retried automatically — it does not wait for a person."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.utils import timezone
from pytest_django.fixtures import Settings

from civicdesk.notifications.delivery import claim, deliver_outbox
from civicdesk.notifications.models import DeliveryAttempt, DeliveryStatus
from tests.notifications.helpers import RecordingSmsBackend, sms_of
from tests.world import World


def test_a_claim_never_handed_over_is_sent_once_after_the_lease(
    w: World, settings: Settings, recorder: type[RecordingSmsBackend]
) -> None:
    settings.CIVICDESK_OUTBOX_MAX_ATTEMPTS = 1
    order = w.new_order()
    assert len(claim("dead-worker", 10)) == 1  # ...and the worker dies before calling the gateway
    later = timezone.now() + dt.timedelta(seconds=settings.CIVICDESK_OUTBOX_LEASE + 1)
    with time_machine.travel(later, tick=False):
        deliver_outbox(worker="live")
    message = sms_of(order)
    # Even with a single attempt allowed: the dead claim was not an attempt.
    assert message.status == DeliveryStatus.SENT
    assert [key for key, _phone, _text in recorder.sent] == [str(message.pk)]
    notes = [a.error for a in DeliveryAttempt.objects.filter(message=message)]
    assert "never handed to the gateway" in notes[0]


def test_the_mark_is_cleared_by_a_new_claim(w: World, settings: Settings, recorder: type[RecordingSmsBackend]) -> None:
    order = w.new_order()
    deliver_outbox(worker="first")
    message = sms_of(order)
    assert message.status == DeliveryStatus.SENT and message.handed_at is not None
    message.status = DeliveryStatus.PENDING
    message.save()
    [again] = claim("second", 10)
    assert again.handed_at is None
