"""New SMS and e-mail go out right after the move commits (a django-tasks task); the sweep
stays the safety net. Nothing is sent twice, and rows are only counted, never added."""

from __future__ import annotations

from typing import Any

import pytest
from django_tasks_db.models import DBTaskResult
from pytest_django.fixtures import Settings

from civicdesk.notifications.delivery import deliver_outbox
from civicdesk.notifications.models import DeliveryAttempt, DeliveryStatus, Medium, OutboxMessage
from civicdesk.notifications.tasks import deliver_ids
from civicdesk.orders import clock
from tests.notifications.helpers import RecordingSmsBackend
from tests.world import World

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# The tasks of this test: a move also queues its reactions for the worker (civicdesk.orders.tasks).
DELIVERIES = DBTaskResult.objects.filter(task_path="civicdesk.notifications.tasks.deliver_messages")


def test_with_the_database_backend_a_task_is_queued_on_commit(
    w: World, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        order = w.new_order()
    sms = OutboxMessage.objects.get(order=order, medium=Medium.SMS)
    task = DELIVERIES.get()
    assert task.args_kwargs["args"] == [[sms.pk]]
    assert sms.status == DeliveryStatus.PENDING  # the worker runs it


def test_nothing_is_queued_before_commit(w: World) -> None:
    # Inside the test's transaction the callback has not run: a rolled-back move sends nothing.
    w.new_order()
    assert not DELIVERIES.exists()


def test_with_the_immediate_backend_it_is_sent_at_once(
    w: World, settings: Settings, recorder: type[RecordingSmsBackend], django_capture_on_commit_callbacks: Any
) -> None:
    settings.TASKS = IMMEDIATE
    with django_capture_on_commit_callbacks(execute=True):
        order = w.new_order()
    sms = OutboxMessage.objects.get(order=order, medium=Medium.SMS)
    assert sms.status == DeliveryStatus.SENT
    assert [phone for _key, phone, _text in recorder.sent] == ["13800001234"]
    assert OutboxMessage.objects.filter(order=order).count() == 1
    # The sweep afterwards finds nothing left to send.
    deliver_outbox(worker="sweep")
    assert len(recorder.sent) == 1
    assert DeliveryAttempt.objects.filter(message=sms).count() == 1


def test_a_message_the_sweep_already_sent_is_not_sent_again(w: World, recorder: type[RecordingSmsBackend]) -> None:
    order = w.new_order()
    sms = OutboxMessage.objects.get(order=order, medium=Medium.SMS)
    deliver_outbox(worker="sweep")
    assert deliver_ids([sms.pk]) == 0
    assert len(recorder.sent) == 1


def test_inbox_rows_need_no_task(w: World, django_capture_on_commit_callbacks: Any) -> None:
    order = w.new_order(citizen_phone="")
    with django_capture_on_commit_callbacks(execute=True):
        from civicdesk.orders import actions

        actions.dispatch(order, actor=w.dispatcher, lead_unit=w.dept_a)
    assert OutboxMessage.objects.filter(order=order, medium=Medium.INBOX).exists()
    assert not DELIVERIES.exists()


def test_moves_replayed_from_the_past_queue_no_task(w: World, django_capture_on_commit_callbacks: Any) -> None:
    from django.utils import timezone

    past = timezone.now() - timezone.timedelta(days=30)
    with django_capture_on_commit_callbacks(execute=True), clock.running_at(past):
        w.new_order()
    assert OutboxMessage.objects.filter(medium=Medium.SMS).count() == 1
    assert not DELIVERIES.exists()


@pytest.mark.parametrize("enabled", [False])
def test_it_can_be_switched_off(
    w: World, settings: Settings, enabled: bool, django_capture_on_commit_callbacks: Any
) -> None:
    settings.CIVICDESK_OUTBOX_DELIVER_ON_COMMIT = enabled
    with django_capture_on_commit_callbacks(execute=True):
        w.new_order()
    assert not DELIVERIES.exists()
