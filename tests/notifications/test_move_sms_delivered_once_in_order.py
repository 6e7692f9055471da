"""Every SMS a citizen is owed for their order reaches them once, in the order of the moves,
now that a move's messages go out in the move's one worker task (with its other worker
reactions) rather than in a task of their own; several workers taking the tasks at once on
PostgreSQL send none twice and lose none."""

from __future__ import annotations

from collections import Counter

import pytest
from django.db import connection, transaction
from django_tasks_db.models import DBTaskResult

from civicdesk.notifications.delivery import deliver_outbox
from civicdesk.notifications.models import DeliveryAttempt, DeliveryStatus, Medium, OutboxMessage
from tests.notifications.helpers import RecordingSmsBackend
from tests.orders.racing import race
from tests.worker import make_worker, run_queued
from tests.world import World


def test_the_citizen_gets_each_sms_once_in_the_order_of_the_moves(
    w: World, recorder: type[RecordingSmsBackend]
) -> None:
    # Taken in, dispatched, signed for, replied, the reply accepted: two SMS to the caller
    # (受理, then the reply with the rating link), each move's task queued with the move.
    order = w.awaiting_callback()
    sms = list(OutboxMessage.objects.filter(order=order, medium=Medium.SMS).order_by("created_at", "pk"))
    assert [m.template for m in sms] == ["citizen_create", "citizen_accept_reply"]
    assert not recorder.sent
    run_queued()
    assert [(key, phone) for key, phone, _text in recorder.sent] == [(str(m.pk), "13800001234") for m in sms]
    assert "受理" in recorder.sent[0][2] and order.number in recorder.sent[1][2]
    # Nothing left for the sweep, and a second pass of the tasks sends nothing again.
    deliver_outbox(worker="sweep")
    assert run_queued() == 0
    assert len(recorder.sent) == 2
    assert set(OutboxMessage.objects.filter(order=order, medium=Medium.SMS).values_list("status", flat=True)) == {
        DeliveryStatus.SENT
    }
    assert Counter(DeliveryAttempt.objects.values_list("message_id", flat=True)) == {m.pk: 1 for m in sms}


def _drain(name: str) -> int:
    """One worker: claim a due task (SKIP LOCKED), run it, until none is left; how many ran."""
    worker = make_worker(name)
    ran = 0
    while True:
        with transaction.atomic():
            result = DBTaskResult.objects.ready().get_locked()
            if result is None:
                return ran
            result.claim(name)
        worker.run_task(result)
        ran += 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL row locks (SELECT … FOR UPDATE SKIP LOCKED) for concurrent worker threads; "
    "set DATABASE_URL=postgres://… to run (one worker's order is covered above)",
)
def test_three_workers_send_every_sms_of_every_order_exactly_once(
    w: World, recorder: type[RecordingSmsBackend]
) -> None:
    recorder.reset(delay=0.01)
    orders = [w.new_order(title=f"并发受理 {n}", citizen_phone=f"1390000{n:04d}") for n in range(12)]
    orders += [w.awaiting_callback(title=f"并发答复 {n}", citizen_phone=f"1380000{n:04d}") for n in range(3)]
    sms = OutboxMessage.objects.filter(medium=Medium.SMS)
    assert sms.count() == 12 + 2 * 3
    outcomes = race(*[lambda name=name: _drain(name) for name in ("A", "B", "C")])
    assert all(kind == "ok" for kind, _ in outcomes), outcomes
    # Every task ran once, none failed, and more than one worker took some.
    assert not DBTaskResult.objects.exclude(status="SUCCESSFUL").exists()
    assert sum(ran for _kind, ran in outcomes) == DBTaskResult.objects.count()
    assert len({ids[0] for ids in DBTaskResult.objects.values_list("worker_ids", flat=True)}) > 1
    keys = Counter(key for key, _phone, _text in recorder.sent)
    assert sorted(keys) == sorted(str(pk) for pk in sms.values_list("pk", flat=True))
    assert set(keys.values()) == {1}
    assert set(sms.values_list("status", flat=True)) == {DeliveryStatus.SENT}
    # Each caller heard that their order was taken in (and, where replied, of the reply).
    for order in orders:
        theirs = [text for _key, phone, text in recorder.sent if phone == order.citizen_phone]
        assert len(theirs) == (2 if order.title.startswith("并发答复") else 1)
        assert any(order.number in text and "受理" in text for text in theirs)
