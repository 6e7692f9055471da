"""The periodic work of smart dispatch, as one sweep of the worker."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from civicdesk.orders.models import WorkOrder
from civicdesk.orders.workflow import State
from civicdesk.routing.actions import run_auto_dispatch_sweep
from civicdesk.routing.models import NightlyRun
from civicdesk.routing.tasks import request_training
from civicdesk.routing.training import MIN_HOLDOUT, MIN_TRAIN


def run_nightly_training(now: datetime | None = None) -> int:
    """Once per local night, after ROUTING_NIGHTLY_HOUR: enqueue a training. The unique
    night row decides which of several workers does it."""
    local = timezone.localtime(now or timezone.now())
    if local.hour < int(getattr(settings, "ROUTING_NIGHTLY_HOUR", 2)):
        return 0
    if NightlyRun.objects.filter(night=local.date()).exists():
        return 0
    closed = WorkOrder.objects.filter(state=State.CLOSED, category__isnull=False)[: MIN_TRAIN + MIN_HOLDOUT].count()
    if closed < MIN_TRAIN + MIN_HOLDOUT:
        return 0
    try:
        with transaction.atomic():
            NightlyRun.objects.create(night=local.date(), enqueued_at=timezone.now())
            request_training(trigger="nightly")
    except IntegrityError:
        return 0
    return 1


def run_routing() -> int:
    return run_nightly_training() + run_auto_dispatch_sweep()
