"""Three workers running the licence_reminders sweep at once on PostgreSQL: each reminder is
written once and each of its messages goes out once."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import pytest
from django.db import connection

from civicdesk.enterprises.models import Enterprise, LicenceReminder, ReminderMessage
from civicdesk.enterprises.reminders import create_due_reminders
from civicdesk.notifications.backends import EmailSender
from civicdesk.notifications.delivery import Backends, deliver_outbox
from civicdesk.notifications.models import DeliveryStatus
from civicdesk.org.models import User
from tests.enterprises.reminder_helpers import licence
from tests.notifications.helpers import RecordingSmsBackend
from tests.orders.racing import race
from tests.world import World

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL row locks (SELECT … FOR UPDATE SKIP LOCKED) for concurrent worker threads; "
        "set DATABASE_URL=postgres://… to run (the once-only rule on SQLite is in test_reminder_delivery.py)",
    ),
]

MONDAY = date(2026, 3, 9)


def test_three_workers_remind_each_licence_once(w: World, company: Enterprise, officer: User) -> None:
    RecordingSmsBackend.reset(delay=0.01)
    for n in range(12):
        licence(company, w.dept_b, MONDAY + timedelta(days=30), f"JY-{n}")

    def worker(name: str) -> int:
        # The sweep's day is given (time-machine patches the clock of every thread at once).
        return create_due_reminders(MONDAY) + deliver_outbox(
            backends=Backends(RecordingSmsBackend(), EmailSender()), worker=name
        )

    outcomes = race(*[lambda name=name: worker(name) for name in ("A", "B", "C")])

    assert all(kind == "ok" for kind, _ in outcomes), outcomes
    assert LicenceReminder.objects.count() == 12
    assert ReminderMessage.objects.count() == 48
    assert set(ReminderMessage.objects.values_list("message__status", flat=True)) == {DeliveryStatus.SENT}
    keys = Counter(key for key, _phone, _text in RecordingSmsBackend.sent)
    assert set(keys.values()) == {1}
    assert len({key.split("-")[0] for key in keys}) == 24  # SMS to the contact and the officer
