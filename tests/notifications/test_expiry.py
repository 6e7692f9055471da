"""A notification queued too long ago is not sent late: it is marked expired instead.

This is also what keeps a demo's year of history from being sent when a worker starts."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from pytest_django.fixtures import Settings

from civicdesk.notifications.delivery import deliver_outbox
from civicdesk.notifications.models import DeliveryAttempt, DeliveryStatus
from civicdesk.orders import clock
from tests.notifications.helpers import sms_of
from tests.world import World


def test_it_expires_an_sms_older_than_the_maximum_age_without_sending_it(
    w: World, settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    settings.CIVICDESK_SMS_BACKEND = "console"
    settings.CIVICDESK_OUTBOX_MAX_AGE_HOURS = 48
    three_days_ago = dt.datetime.now(dt.UTC) - dt.timedelta(days=3)
    with clock.running_at(three_days_ago):
        old = w.new_order()
    fresh = w.new_order(citizen_phone="13900005678")
    deliver_outbox(worker="w1")
    assert sms_of(old).status == DeliveryStatus.EXPIRED
    assert not DeliveryAttempt.objects.filter(message=sms_of(old)).exists()
    assert sms_of(fresh).status == DeliveryStatus.SENT
    out = capsys.readouterr().out
    assert fresh.number in out and old.number not in out


def test_it_sends_a_message_that_waited_less_than_the_maximum_age(w: World, settings: Settings) -> None:
    settings.CIVICDESK_SMS_BACKEND = "console"
    settings.CIVICDESK_OUTBOX_MAX_AGE_HOURS = 48
    order = w.new_order()
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(hours=47), tick=False):
        deliver_outbox(worker="w1")
    assert sms_of(order).status == DeliveryStatus.SENT
