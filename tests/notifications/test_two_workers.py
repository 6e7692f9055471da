"""Two workers delivering at once on PostgreSQL: each message goes out exactly once."""

from __future__ import annotations

from collections import Counter

import pytest
from django.db import connection
from pytest_django.fixtures import Settings

from civicdesk.notifications.delivery import deliver_outbox
from civicdesk.notifications.models import DeliveryAttempt, DeliveryStatus, Medium, OutboxMessage
from tests.notifications.helpers import RecordingSmsBackend
from tests.orders.racing import race
from tests.world import World

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL row locks (SELECT … FOR UPDATE SKIP LOCKED) for concurrent worker threads; "
        "set DATABASE_URL=postgres://… to run (claims on SQLite are covered by test_claims.py)",
    ),
]


def test_each_message_is_sent_exactly_once_by_two_workers(
    w: World, settings: Settings, recorder: type[RecordingSmsBackend]
) -> None:
    settings.CIVICDESK_OUTBOX_BATCH = 3
    recorder.reset(delay=0.02)
    for n in range(24):
        w.new_order(title=f"并发发送 {n}", citizen_phone=f"1380000{n:04d}")
    sms = OutboxMessage.objects.filter(medium=Medium.SMS)
    assert sms.count() == 24
    outcomes = race(*[lambda name=name: deliver_outbox(worker=name) for name in ("A", "B", "C")])
    assert all(kind == "ok" for kind, _ in outcomes), outcomes
    keys = Counter(key for key, _, _ in recorder.sent)
    assert sorted(keys) == sorted(str(pk) for pk in sms.values_list("pk", flat=True))
    assert set(keys.values()) == {1}
    assert set(sms.values_list("status", flat=True)) == {DeliveryStatus.SENT}
    per_message = Counter(DeliveryAttempt.objects.values_list("message_id", flat=True))
    assert set(per_message.values()) == {1}
    # Both claims really ran side by side: more than one worker sent something.
    assert len(set(DeliveryAttempt.objects.values_list("worker", flat=True))) > 1
