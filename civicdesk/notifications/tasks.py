"""Low latency for the outbox: when a move commits, a task delivers the SMS and e-mail it
queued, instead of waiting for the worker's next sweep (which stays as the safety net and
picks up anything the task could not send).

A move's messages go out in the move's one worker task (civicdesk.orders.tasks), as the
reaction DELIVER queued by the outbox's own reaction (civicdesk.orders.reactions.also_in_worker):
a new order costs the worker one task, not one for its reactions and another for its SMS
(each task is a claim and a result row). Messages written outside a move (a policy push, a
licence reminder, a hotspot alert) get a task of their own, deliver_messages.

Either task claims exactly its own messages with the same rules as the sweep (SKIP LOCKED,
"sending" committed before the backend is called), so a task and a sweep never send one
message twice. Moves replayed from the past (the demo's history, imports) queue no task:
their messages are older than the outbox's maximum age and would not go out anyway.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django_tasks import task

from civicdesk.orders.reactions import also_in_worker

if TYPE_CHECKING:
    from civicdesk.notifications.models import OutboxMessage
    from civicdesk.orders.models import WorkOrder
    from civicdesk.orders.store import RecordedEvent, Store

# The worker reaction that sends a move's SMS, e-mail and reports (subscribed in apps.py).
DELIVER = "notifications.deliver"


def deliver_on_commit(
    messages: Iterable[OutboxMessage],
    on_commit: Callable[[Callable[[], None]], None] = transaction.on_commit,
) -> None:
    """After the surrounding transaction commits, enqueue delivery of these messages.
    `on_commit`: the move's store's, for messages queued by a move (the demo's history
    loader has none to send)."""
    # The models are imported when the task runs: this module is imported by the app's
    # reactions while the app registry is still loading.
    from civicdesk.notifications.models import Medium

    if not settings.CIVICDESK_OUTBOX_DELIVER_ON_COMMIT:
        return
    cutoff = timezone.now() - dt.timedelta(hours=int(settings.CIVICDESK_OUTBOX_MAX_AGE_HOURS))
    ids = [
        m.pk
        for m in messages
        if m.medium != Medium.INBOX and m.pk is not None and (m.created_at >= cutoff or m.medium == Medium.UPSTREAM)
    ]
    if ids:
        # Messages of the move being announced go out in its one worker task (deliver_event
        # claims the event's messages, these among them); any others in a task of their own.
        events = {m.event_id for m in messages if m.pk in ids}
        if len(events) == 1 and also_in_worker(DELIVER, events.pop()):
            return

        def enqueue() -> None:
            deliver_messages.enqueue(ids)

        on_commit(enqueue)


def claim_ids(worker: str, ids: list[int]) -> list[OutboxMessage]:
    """delivery.claim for just these messages: those still pending and due."""
    return _claim(worker, Q(pk__in=ids))


def _claim(worker: str, these: Q, in_hand: tuple[object, object] | None = None) -> list[OutboxMessage]:
    """Claim the messages `these` (pending, due, not overtaking an earlier one of the same
    order) and read them. `in_hand`: the order and event the worker has read already (the
    move's own messages): the claimed messages are given those instead of reading them again."""
    # The models are imported when a task runs, not when the task backend loads this module.
    from civicdesk.notifications.delivery import _OUTSIDE, not_overtaking, outside_media
    from civicdesk.notifications.models import DeliveryStatus, OutboxMessage
    from civicdesk.orders.models import OrderEvent, WorkOrder

    now = timezone.now()
    cutoff = now - dt.timedelta(hours=int(settings.CIVICDESK_OUTBOX_MAX_AGE_HOURS))
    with transaction.atomic():
        locked = list(
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(these, status=DeliveryStatus.PENDING, medium__in=outside_media())
            # SMS and e-mail expire for age; the registered channels' messages are owed however late.
            .filter(Q(created_at__gte=cutoff) | ~Q(medium__in=_OUTSIDE))
            .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
            .filter(not_overtaking())
            .values_list("pk", flat=True)
        )
        if not locked:
            return []
        OutboxMessage.objects.filter(pk__in=locked, status=DeliveryStatus.PENDING).update(
            status=DeliveryStatus.SENDING,
            claimed_at=now,
            claimed_by=worker,
            attempt_count=F("attempt_count") + 1,
            handed_at=None,
        )
    claimed = OutboxMessage.objects.filter(pk__in=locked, status=DeliveryStatus.SENDING, claimed_by=worker).order_by(
        "created_at", "pk"
    )
    order, event = in_hand if in_hand is not None else (None, None)
    if not (isinstance(order, WorkOrder) and isinstance(event, OrderEvent)):
        # Not the order's parent: only a merged order has one (its number in the subject is
        # then read on its own), and joining it cost every claim a second order row (~2 ms CPU).
        return list(claimed.select_related("order", "event", "user"))
    # The move's messages: its order and event as the worker read them for this task, not read
    # again with every claim (the order's row of some eighty columns cost ~1.5 ms CPU to read).
    messages = list(claimed.select_related("user"))
    for message in messages:
        if message.order_id == order.pk:
            message.order = order
        if message.event_id == event.pk:
            message.event = event
    return messages


def deliver_ids(ids: list[int]) -> int:
    """Send these messages now, if nobody else has; returns how many were attempted."""
    return _deliver(Q(pk__in=[int(i) for i in ids]))


def deliver_event(order: WorkOrder, event: RecordedEvent, store: Store) -> None:
    """The worker reaction DELIVER: send the messages the move queued (SMS, e-mail, reports
    upstream) that nobody has sent yet, as deliver_messages would."""
    _deliver(Q(event_id=event.pk), in_hand=(order, event))


def _deliver(these: Q, in_hand: tuple[object, object] | None = None) -> int:
    # The models are imported when a task runs, not when the task backend loads this module.
    from civicdesk.notifications.backends import Outcome
    from civicdesk.notifications.delivery import Backends, _record, _send, default_worker_id

    worker = f"task:{default_worker_id()}"
    claimed = _claim(worker, these, in_hand)
    if not claimed:
        return 0
    backends = Backends.configured()
    for message in claimed:
        try:
            outcome = _send(message, backends)
        except Exception as exc:  # the same rule as the sweep: never leave a row "sending" for good
            logging.getLogger("civicdesk.notifications").exception("outbox %s: backend raised", message.pk)
            outcome = Outcome(False, error=f"{type(exc).__name__}: {exc}", ambiguous=True)
        _record(message, worker, outcome, backends)
    return len(claimed)


@task()
def deliver_messages(ids: list[int]) -> int:
    return deliver_ids(ids)
