"""One failing sweep does not stop the others: the outbox still goes out when the statistics
sweep raises, the failure is recorded, and admins see a sweep that keeps failing."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from pytest_django.fixtures import Settings

from civicdesk.notifications.models import DeliveryStatus, Medium, OutboxMessage
from civicdesk.runtime import sweeps
from civicdesk.runtime.models import SweepState
from tests.notifications.helpers import RECORDER, RecordingSmsBackend
from tests.world import World


def _broken_statistics() -> int:
    raise ValueError("rollup exploded")


@pytest.mark.django_db(transaction=True)
def test_outbox_goes_out_while_statistics_fails(
    w: World, settings: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], client: Client
) -> None:
    settings.CIVICDESK_SMS_BACKEND = RECORDER
    settings.CIVICDESK_OUTBOX_DELIVER_ON_COMMIT = False
    RecordingSmsBackend.reset()
    monkeypatch.setitem(sweeps.SWEEPS, "statistics", _broken_statistics)
    for n in range(20):
        w.new_order(citizen_phone=f"1380000{n:04d}")
    sms = OutboxMessage.objects.filter(medium=Medium.SMS)
    assert sms.count() == 20

    call_command("worker", once=True)  # returns normally: the worker goes on
    call_command("worker", once=True)

    assert set(sms.values_list("status", flat=True)) == {DeliveryStatus.SENT}
    assert len(RecordingSmsBackend.sent) == 20
    assert "sweep statistics failed: ValueError: rollup exploded" in capsys.readouterr().err
    broken = SweepState.objects.get(name="statistics")
    assert broken.consecutive_failures == 2 and broken.last_success_at is None
    assert "rollup exploded" in broken.last_error
    outbox = SweepState.objects.get(name="deliver_outbox")
    assert outbox.consecutive_failures == 0 and outbox.last_success_at is not None

    client.force_login(w.admin)
    home = client.get(reverse("console:home")).content.decode()
    assert 'data-failing-sweep="statistics"' in home and "连续失败 2 次" in home
    status = client.get(reverse("runtime:status")).content.decode()
    assert "rollup exploded" in status
    client.force_login(w.dispatcher)  # not theirs to act on
    assert "data-failing-sweep" not in client.get(reverse("console:home")).content.decode()
    assert client.get(reverse("runtime:status")).status_code == 403

    monkeypatch.undo()  # fixed: the next round succeeds and the warning goes
    sweeps.run_round({"statistics": lambda: 0})
    assert SweepState.objects.get(name="statistics").consecutive_failures == 0
    client.force_login(w.admin)
    assert "data-failing-sweep" not in client.get(reverse("console:home")).content.decode()


@pytest.mark.django_db
def test_a_database_error_in_one_sweep_leaves_the_transaction_usable(w: World) -> None:
    """Inside an outer transaction (as in a test or a caller's atomic block) a failing query
    in one sweep is rolled back to its savepoint; the next sweep still reads and writes."""
    from django.db import connection

    def bad_sql() -> int:
        with connection.cursor() as cursor:
            cursor.execute("SELECT * FROM no_such_table")
        return 0

    result = sweeps.run_round({"broken": bad_sql, "counts": lambda: OutboxMessage.objects.count() + 1})
    assert "broken" in result.failed and result.counts == {"counts": 1}
    assert SweepState.objects.get(name="broken").consecutive_failures == 1
