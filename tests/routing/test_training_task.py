"""Training runs in the background worker (django-tasks, database backend) on whichever
database the run uses: on demand from the admin page, and once a night."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from civicdesk.routing.models import ModelVersion, NightlyRun
from civicdesk.routing.sweeps import run_nightly_training
from tests.console_hub.helpers import client_for
from tests.routing.helpers import make_history
from tests.worker import run_queued
from tests.world import World


def _run_worker() -> None:
    run_queued("civicdesk.routing.")


def test_the_admin_page_queues_a_training_the_worker_runs(w: World, django_capture_on_commit_callbacks) -> None:
    make_history(w, rounds=3)
    client = client_for(w.admin)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/routing/train")

    assert response.status_code == 302
    version = ModelVersion.objects.get()
    assert version.status == "training"
    assert DBTaskResult.objects.filter(task_path__endswith="train_model").count() == 1
    assert "训练中" in client.get("/routing/").content.decode()

    _run_worker()

    version.refresh_from_db()
    assert version.status == "ready", version.error
    assert version.active
    assert version.train_size + version.holdout_size == 36
    assert version.requested_by == w.admin
    assert "v1" in client.get("/routing/").content.decode()


def test_it_refuses_to_train_without_enough_closed_orders(w: World, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        client_for(w.admin).post("/routing/train")
    _run_worker()
    version = ModelVersion.objects.get()
    assert version.status == "failed"
    assert "已办结工单不足" in version.decision
    assert not version.active


def test_the_nightly_sweep_queues_one_training_a_night(w: World, django_capture_on_commit_callbacks) -> None:
    make_history(w, rounds=3)
    tz = timezone.get_current_timezone()
    evening = datetime(2026, 12, 1, 1, 30, tzinfo=tz)
    night = datetime(2026, 12, 2, 2, 5, tzinfo=tz)

    assert run_nightly_training(evening) == 0  # before the hour
    with django_capture_on_commit_callbacks(execute=True):
        # Two workers sweeping the same night: one training.
        assert run_nightly_training(night) == 1
        assert run_nightly_training(night) == 0

    assert NightlyRun.objects.count() == 1
    assert ModelVersion.objects.filter(trigger="nightly").count() == 1
    assert DBTaskResult.objects.filter(task_path__endswith="train_model").count() == 1
    _run_worker()
    assert ModelVersion.objects.get().status == "ready"
