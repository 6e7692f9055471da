"""Background work of smart dispatch (django-tasks, database backend): training a model
version, and deciding on auto-dispatch right after an order enters the dispatch queue."""

from __future__ import annotations

from django.db import transaction
from django_tasks import task

from civicdesk.org.models import User
from civicdesk.routing.models import ModelVersion


@task()
def train_model(version_id: int) -> str:
    # The training code loads in the worker that trains, not in every process that queues a task.
    from civicdesk.routing.training import train_version

    version = train_version(version_id)
    return f"v{version.number} {version.status}"


@task()
def auto_dispatch_order(order_id: int) -> str:
    # routing.actions imports this module (to queue the task): imported when the task runs.
    from civicdesk.routing.actions import auto_dispatch

    decision = auto_dispatch(order_id)
    return decision.outcome if decision is not None else "skipped"


def request_training(*, trigger: str, user: User | None = None) -> ModelVersion:
    """A new version row (训练中) now; the training runs in the worker after commit."""
    # The training code loads in the worker that trains, not in every process that queues a task.
    from civicdesk.routing.training import new_version

    version = new_version(trigger=trigger, user=user)
    transaction.on_commit(lambda: train_model.enqueue(version.pk))
    return version
