"""Running what moves left to the background worker, in a test (civicdesk.orders.tasks)."""

from __future__ import annotations

from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

REACTIONS = "civicdesk.orders.tasks.run_reactions"


def make_worker(worker_id: str = "test-worker") -> Worker:
    """A worker as `civicdesk worker` makes it, for running claimed tasks one by one in a test."""
    return Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=worker_id,
        excluded_queue_names=[],
    )


def run_queued(task_path: str = REACTIONS) -> int:
    """Run every task whose path starts with `task_path` that is due, as `civicdesk worker` runs each one (claim it,
    run it, record its result), without the worker's connection housekeeping, which would
    close the test's database; the tasks they queue, if due, too. How many ran."""
    worker = make_worker()
    ran = 0
    due = DBTaskResult.objects.ready().filter(task_path__startswith=task_path).order_by("enqueued_at")
    while (result := due.first()) is not None:
        result.claim(worker.worker_id)
        worker.run_task(result)
        ran += 1
    return ran
