"""Messages whose send may have happened wait for an admin on a page that lists them, with
"mark sent" and "send again"; nobody else can settle them."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django.fixtures import Settings

from civicdesk.notifications.delivery import _hand_over, claim, deliver_outbox
from civicdesk.notifications.models import DeliveryAttempt, DeliveryStatus, OutboxMessage
from tests.notifications.helpers import RecordingSmsBackend, sms_of
from tests.world import World


def _unknown(w: World, settings: Settings, phone: str) -> OutboxMessage:
    order = w.new_order(citizen_phone=phone)
    [claimed] = claim("dead-worker", 10)
    _hand_over(claimed)  # the gateway was called; the worker died before the answer
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=settings.CIVICDESK_OUTBOX_LEASE + 1)):
        deliver_outbox(worker="live")
    message = sms_of(order)
    assert message.status == DeliveryStatus.UNKNOWN
    return message


def test_admin_lists_and_settles_unknown_messages(
    w: World, settings: Settings, recorder: type[RecordingSmsBackend], client: Client
) -> None:
    first = _unknown(w, settings, "13800001111")
    second = _unknown(w, settings, "13900002222")
    client.force_login(w.admin)
    home = client.get(reverse("console:home")).content.decode()
    assert "2 条通知待人工核实是否已发送" in home
    page = client.get(reverse("notifications:unknown")).content.decode()
    assert f'data-message="{first.pk}"' in page and f'data-message="{second.pk}"' in page
    assert "138****1111" in page and "13800001111" not in page  # the gateway id identifies it; the number is masked

    client.post(reverse("notifications:settle", args=[first.pk, "sent"]))
    client.post(reverse("notifications:settle", args=[second.pk, "again"]))
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == DeliveryStatus.SENT
    assert second.status == DeliveryStatus.PENDING and second.attempt_count == 0
    assert DeliveryAttempt.objects.filter(message=second, worker=f"staff:{w.admin.username}").exists()
    deliver_outbox(worker="live")
    assert [key for key, _p, _t in recorder.sent] == [str(second.pk)]  # sent again once; the first not at all
    assert "待人工核实" not in client.get(reverse("console:home")).content.decode()


def test_only_admins_settle(w: World, settings: Settings, recorder: type[RecordingSmsBackend], client: Client) -> None:
    message = _unknown(w, settings, "13800001111")
    client.force_login(w.dispatcher)
    assert client.get(reverse("notifications:unknown")).status_code == 403
    assert client.post(reverse("notifications:settle", args=[message.pk, "sent"])).status_code == 403
    message.refresh_from_db()
    assert message.status == DeliveryStatus.UNKNOWN
