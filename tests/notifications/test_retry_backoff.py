"""A 5xx is retried with exponential backoff; after N attempts the message has failed."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import time_machine
from pytest_django.fixtures import Settings

from civicdesk.notifications.delivery import deliver_outbox
from civicdesk.notifications.models import DeliveryAttempt, DeliveryStatus
from tests.notifications.helpers import Gateway, sms_of
from tests.world import World

SH = ZoneInfo("Asia/Shanghai")
T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=SH)


def _http(settings: Settings, gateway: Gateway) -> None:
    settings.CIVICDESK_SMS_BACKEND = "http"
    settings.CIVICDESK_SMS_GATEWAY = gateway.config()
    settings.CIVICDESK_OUTBOX_BACKOFF = 60
    settings.CIVICDESK_OUTBOX_MAX_ATTEMPTS = 3


def test_a_5xx_is_retried_after_a_growing_pause(w: World, settings: Settings, gateway: Gateway) -> None:
    _http(settings, gateway)
    gateway.script = [(503, "busy"), (502, "bad gateway")]
    with time_machine.travel(T0, tick=False):
        order = w.new_order()
        deliver_outbox(worker="w1")
    message = sms_of(order)
    assert (message.status, message.attempt_count) == (DeliveryStatus.PENDING, 1)
    assert message.next_attempt_at == T0 + dt.timedelta(seconds=60)
    with time_machine.travel(T0 + dt.timedelta(seconds=59), tick=False):
        assert deliver_outbox(worker="w1") == 0  # not due yet
    assert len(gateway.requests) == 1
    with time_machine.travel(T0 + dt.timedelta(seconds=60), tick=False):
        deliver_outbox(worker="w1")
    message.refresh_from_db()
    assert (message.status, message.attempt_count) == (DeliveryStatus.PENDING, 2)
    assert message.next_attempt_at == T0 + dt.timedelta(seconds=60 + 120)  # doubled
    with time_machine.travel(T0 + dt.timedelta(seconds=180), tick=False):
        deliver_outbox(worker="w1")
    message.refresh_from_db()
    assert message.status == DeliveryStatus.SENT
    assert [a.ok for a in DeliveryAttempt.objects.filter(message=message)] == [False, False, True]
    assert gateway.delivered == [str(message.pk)]


def test_it_gives_up_after_the_last_attempt(w: World, settings: Settings, gateway: Gateway) -> None:
    _http(settings, gateway)
    gateway.script = [(500, "down")] * 5
    with time_machine.travel(T0, tick=False):
        order = w.new_order()
    moment = T0
    for _ in range(5):
        with time_machine.travel(moment, tick=False):
            deliver_outbox(worker="w1")
        moment += dt.timedelta(hours=1)
    message = sms_of(order)
    assert message.status == DeliveryStatus.FAILED
    assert message.attempt_count == 3
    assert message.last_error == "HTTP 500"
    assert DeliveryAttempt.objects.filter(message=message, ok=False).count() == 3
    assert len(gateway.requests) == 3
