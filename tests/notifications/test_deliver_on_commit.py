"""New SMS and e-mail go out right after the move commits, in the move's one worker task
(civicdesk.orders.tasks.run_reactions, with the move's other worker reactions); the sweep stays
the safety net. Nothing is sent twice, and rows are only counted, never added."""

from __future__ import annotations

from typing import Any

import pytest
from django_tasks_db.models import DBTaskResult
from pytest_django.fixtures import Settings

from civicdesk.notifications.delivery import deliver_outbox
from civicdesk.notifications.models import DeliveryAttempt, DeliveryStatus, Medium, OutboxMessage
from civicdesk.notifications.tasks import DELIVER, deliver_ids
from civicdesk.orders import clock
from tests.notifications.helpers import RecordingSmsBackend
from tests.worker import run_queued
from tests.world import World

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def deliveries() -> list[DBTaskResult]:
    """The queued tasks that deliver messages: a move's worker task naming DELIVER, or a
    task of deliver_messages (for messages written outside a move)."""
    return [
        t
        for t in DBTaskResult.objects.all()
        if t.task_path == "civicdesk.notifications.tasks.deliver_messages"
        or (t.task_path == "civicdesk.orders.tasks.run_reactions" and DELIVER in t.args_kwargs["args"][2])
    ]


def test_the_move_s_one_worker_task_delivers_its_sms(
    w: World, recorder: type[RecordingSmsBackend], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        order = w.new_order()
    sms = OutboxMessage.objects.get(order=order, medium=Medium.SMS)
    # One task for the new order: its delivery with its other worker reactions (grouping).
    (task,) = DBTaskResult.objects.all()
    assert task.task_path == "civicdesk.orders.tasks.run_reactions"
    event = order.events.get(action="create")
    assert task.args_kwargs["args"][:2] == [order.pk, event.pk]
    assert DELIVER in task.args_kwargs["args"][2] and len(task.args_kwargs["args"][2]) > 1
    assert sms.status == DeliveryStatus.PENDING  # the worker runs it
    assert run_queued() == 1
    sms.refresh_from_db()
    assert sms.status == DeliveryStatus.SENT
    assert [phone for _key, phone, _text in recorder.sent] == ["13800001234"]


def test_the_task_is_written_with_the_move(w: World) -> None:
    # In the move's transaction: it commits with the move or not at all, and no task runs
    # before the move is visible to the worker.
    w.new_order()
    assert len(deliveries()) == 1


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
    assert not deliveries()


def test_moves_replayed_from_the_past_queue_no_task(w: World, django_capture_on_commit_callbacks: Any) -> None:
    from django.utils import timezone

    past = timezone.now() - timezone.timedelta(days=30)
    with django_capture_on_commit_callbacks(execute=True), clock.running_at(past):
        w.new_order()
    assert OutboxMessage.objects.filter(medium=Medium.SMS).count() == 1
    assert not deliveries()


@pytest.mark.parametrize("enabled", [False])
def test_it_can_be_switched_off(
    w: World, settings: Settings, enabled: bool, django_capture_on_commit_callbacks: Any
) -> None:
    settings.CIVICDESK_OUTBOX_DELIVER_ON_COMMIT = enabled
    with django_capture_on_commit_callbacks(execute=True):
        w.new_order()
    assert not deliveries()
