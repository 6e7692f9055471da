"""The worker's task for a move reads the order and the event once: the move's SMS is claimed
and sent with them, not with a second read of the order's row joined to every claimed message
(civicdesk.notifications.tasks.deliver_event)."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext

from civicdesk.notifications.models import DeliveryStatus, Medium, OutboxMessage
from tests.notifications.helpers import RecordingSmsBackend
from tests.worker import run_queued
from tests.world import World


def test_the_new_order_s_sms_goes_out_without_reading_the_order_again(
    w: World, recorder: type[RecordingSmsBackend], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        order = w.new_order()
    sms = OutboxMessage.objects.get(order=order, medium=Medium.SMS)
    with CaptureQueriesContext(connection) as seen:
        assert run_queued() == 1
    sms.refresh_from_db()
    assert sms.status == DeliveryStatus.SENT
    ((_key, phone, text),) = recorder.sent
    assert phone == "13800001234" and order.number in text
    reads = [q["sql"] for q in seen.captured_queries if 'FROM "notifications_outboxmessage"' in q["sql"]]
    read_with_order = [sql for sql in reads if sql.lstrip().startswith("SELECT") and "orders_workorder" in sql]
    assert read_with_order == [], read_with_order


def test_a_message_of_another_order_is_still_read_with_its_own(
    w: World, recorder: type[RecordingSmsBackend], django_capture_on_commit_callbacks: Any
) -> None:
    # Messages written outside a move (deliver_messages) are read with their orders as before.
    from civicdesk.notifications.tasks import deliver_ids

    order = w.new_order()
    sms = OutboxMessage.objects.get(order=order, medium=Medium.SMS)
    assert deliver_ids([sms.pk]) == 1
    ((_key, _phone, text),) = recorder.sent
    assert order.number in text
