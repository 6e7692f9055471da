"""The worker's side of the reactions that run in the background (civicdesk.orders.reactions,
When.IN_WORKER): one task per move, written in the move's transaction (django-tasks, database
backend), that runs each reaction it names on the order and the event.

A reaction that raises is logged and tried again in a task of its own, after a pause that
grows with each attempt (RETRY_PAUSES); after the last one the task fails, so it is kept and
shown as failed with its error (django-tasks' results) instead of vanishing. The reactions that
succeeded are not run again. A reaction must therefore be safe to run once more on the same
event (a worker may stop between the reaction's commit and the task's result): grouping reads
whether the order is grouped already.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from functools import partial

from django.db import transaction
from django.utils import timezone
from django_tasks import task
from django_tasks_db.backend import DatabaseBackend

log = logging.getLogger("civicdesk.orders")

# Pause before each further attempt of a failed reaction: the second after one minute, ...
RETRY_PAUSES = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=3))


def queue_reactions(order_id: int, event_id: int, names: list[str]) -> None:
    """Queue the reactions `names` to the event: with the database backend, a row written in
    the caller's transaction; with another backend (one that runs the task at once, in tests),
    once that transaction has committed, so a reaction never runs for a move that rolled back."""
    if isinstance(run_reactions.get_backend(), DatabaseBackend):
        run_reactions.enqueue(order_id, event_id, list(names), 1)
    else:
        transaction.on_commit(partial(run_reactions.enqueue, order_id, event_id, list(names), 1))


@task()
def run_reactions(order_id: int, event_id: int, names: list[str], attempt: int = 1) -> str:
    # The models and the reactions' registry are read when the task runs: the task backend
    # may import this module before the app registry is ready.
    from civicdesk.orders.actions.base import DATABASE
    from civicdesk.orders.models import OrderEvent, WorkOrder
    from civicdesk.orders.reactions import subscribed

    order = WorkOrder.objects.select_related("hub", "area", "category", "lead_unit").filter(pk=order_id).first()
    event = OrderEvent.objects.filter(pk=event_id, order_id=order_id).first()
    if order is None or event is None:
        return "no such order or event"
    failed: list[str] = []
    for name in names:
        found = subscribed(name)
        if found is None:  # its app is no longer installed
            continue
        try:
            found.react(order, event, DATABASE)
        except Exception:
            log.exception("reaction %s to event %s of order %s failed (attempt %s)", name, event_id, order_id, attempt)
            failed.append(name)
    if not failed:
        return "done"
    if attempt > len(RETRY_PAUSES) or not run_reactions.get_backend().supports_defer:
        raise RuntimeError(f"reactions {', '.join(failed)} still failing after {attempt} attempts")
    later = run_reactions.using(run_after=timezone.now() + RETRY_PAUSES[attempt - 1])
    later.enqueue(order_id, event_id, failed, attempt + 1)
    return f"{', '.join(failed)} failed; attempt {attempt + 1} queued"
