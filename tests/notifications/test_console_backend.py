"""The console backend prints each SMS, and the attempt and outcome are recorded."""

from __future__ import annotations

import pytest
from pytest_django.fixtures import Settings

from civicdesk.notifications.delivery import deliver_outbox
from civicdesk.notifications.models import DeliveryAttempt, DeliveryStatus, Medium, OutboxMessage
from tests.notifications.helpers import sms_of
from tests.world import World


def test_it_prints_the_sms_and_records_the_attempt(
    w: World, settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    settings.CIVICDESK_SMS_BACKEND = "console"
    order = w.new_order()
    assert deliver_outbox(worker="w1") == 1
    out = capsys.readouterr().out
    message = sms_of(order)
    assert f"[短信 {message.pk}] → 13800001234" in out
    assert order.number in out
    assert message.status == DeliveryStatus.SENT
    assert message.sent_at is not None
    assert message.attempt_count == 1
    assert message.claimed_by == "w1"
    attempt = DeliveryAttempt.objects.get(message=message)
    assert (attempt.ok, attempt.worker, attempt.error) == (True, "w1", "")
    # Nothing left: a second sweep sends nothing again.
    assert deliver_outbox(worker="w1") == 0
    assert capsys.readouterr().out == ""


def test_inbox_messages_are_delivered_at_once_and_stay_unread(w: World, settings: Settings) -> None:
    settings.CIVICDESK_SMS_BACKEND = "console"
    order = w.dispatched()
    inbox = OutboxMessage.objects.filter(order=order, medium=Medium.INBOX)
    assert inbox.exists()
    deliver_outbox(worker="w1")
    assert set(inbox.values_list("status", flat=True)) == {DeliveryStatus.SENT}
    assert not inbox.filter(read_at__isnull=False).exists()
    assert not DeliveryAttempt.objects.filter(message__in=inbox).exists()
