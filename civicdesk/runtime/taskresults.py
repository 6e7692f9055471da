"""Pruning the background tasks' finished results (django-tasks' database backend keeps a row
for every task it ran, and never removes one): the worker's sweep `task_results`.

A task's row is its queue entry while it waits or runs (READY, RUNNING: never touched here)
and its result once finished. A successful result is of use for a short while (what ran
when, for someone looking into a delay); a failed one is what an administrator must see and
act on (the admin shows it with its error), so it is kept longer. Without this the table
grows by a row for nearly every move — a center taking 300 orders a second would add 26
million rows a day — and every claim and the admin's list slow down with it.

- CIVICDESK_TASK_RESULTS_KEEP_HOURS (default 24): successful results older than this go.
- CIVICDESK_TASK_RESULTS_FAILED_KEEP_DAYS (default 30): failed results older than this go.

Age is counted from the moment the task finished. The sweep deletes in batches of
PRUNE_BATCH rows, each its own short statement, at most PRUNE_PER_SWEEP rows per round (the
next round takes the rest), through the partial index on finished results (runtime/0002),
so it stays cheap however large the backlog; several workers may run it at once (a row
deleted twice is deleted once).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

PRUNE_BATCH = 5_000
PRUNE_PER_SWEEP = 100_000


def expired_results(now: datetime | None = None) -> Q:
    """The finished results past their retention at `now`."""
    now = now or timezone.now()
    ok_before = now - timedelta(hours=int(settings.CIVICDESK_TASK_RESULTS_KEEP_HOURS))
    failed_before = now - timedelta(days=int(settings.CIVICDESK_TASK_RESULTS_FAILED_KEEP_DAYS))
    return Q(status="SUCCESSFUL", finished_at__lt=ok_before) | Q(status="FAILED", finished_at__lt=failed_before)


def prune_task_results(now: datetime | None = None, limit: int = PRUNE_PER_SWEEP) -> int:
    """Delete the finished results past their retention; how many were deleted."""
    expired = DBTaskResult.objects.filter(expired_results(now))
    deleted = 0
    while deleted < limit:
        batch = list(expired.order_by().values_list("pk", flat=True)[: min(PRUNE_BATCH, limit - deleted)])
        if not batch:
            break
        # Only rows still finished: a row is never requeued, but the check costs nothing.
        gone, _by_model = DBTaskResult.objects.filter(pk__in=batch, status__in=["SUCCESSFUL", "FAILED"]).delete()
        deleted += gone
        if len(batch) < PRUNE_BATCH:
            break
    return deleted


def run_prune_task_results() -> int:
    return prune_task_results()
