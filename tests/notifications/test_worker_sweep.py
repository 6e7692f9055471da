"""The worker's sweeps include delivery: `civicdesk worker --once` sends the outbox."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from civicdesk.notifications.models import DeliveryStatus
from civicdesk.runtime.sweeps import SWEEPS
from tests.notifications.helpers import RecordingSmsBackend, sms_of
from tests.world import World


def test_deliver_outbox_is_a_sweep() -> None:
    assert list(SWEEPS)[-1] == "deliver_outbox"


@pytest.mark.django_db(transaction=True)
def test_worker_once_delivers(
    w: World, recorder: type[RecordingSmsBackend], capsys: pytest.CaptureFixture[str]
) -> None:
    order = w.new_order()
    call_command("worker", once=True)
    assert sms_of(order).status == DeliveryStatus.SENT
    assert [key for key, _, _ in recorder.sent] == [str(sms_of(order).pk)]
    assert "deliver_outbox=1" in capsys.readouterr().out
