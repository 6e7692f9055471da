"""The worker's sweep `task_results` deletes the background tasks' finished results once past
their retention (successful: CIVICDESK_TASK_RESULTS_KEEP_HOURS, failed:
CIVICDESK_TASK_RESULTS_FAILED_KEEP_DAYS), and never a task that is still queued or running,
nor a recent result."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django_tasks_db.models import DBTaskResult
from pytest_django.fixtures import Settings

from civicdesk.runtime import taskresults
from civicdesk.runtime.models import SweepState
from civicdesk.runtime.sweeps import SWEEPS, run_round
from tests.worker import run_queued
from tests.world import World

START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def _at(hours: float) -> time_machine.travel:
    return time_machine.travel(START + dt.timedelta(hours=hours), tick=False)


def _results_of(order_ids: list[int]) -> list[DBTaskResult]:
    return [r for r in DBTaskResult.objects.all() if r.args_kwargs["args"][0] in order_ids]


def test_old_results_go_recent_and_unfinished_ones_stay(w: World, settings: Settings) -> None:
    settings.CIVICDESK_TASK_RESULTS_KEEP_HOURS = 24
    settings.CIVICDESK_TASK_RESULTS_FAILED_KEEP_DAYS = 30
    with _at(0):
        old = w.new_order(title="两天前的工单")
        run_queued()
    with _at(-24 * 40):  # a task that failed for good 40 days before
        gone_failure = w.new_order(title="早已失败")
        run_queued()
    with _at(-24 * 10):  # and one that failed 10 days before
        kept_failure = w.new_order(title="近期失败")
        run_queued()
    DBTaskResult.objects.filter(args_kwargs__args__0__in=[gone_failure.pk, kept_failure.pk]).update(status="FAILED")
    with _at(30):
        recent = w.new_order(title="一小时前的工单")
        run_queued()
    with _at(30.5):
        queued = w.new_order(title="还在排队")  # its task is READY: not run yet
        running = w.new_order(title="正在运行")
    DBTaskResult.objects.filter(args_kwargs__args__0=running.pk).update(status="RUNNING", started_at=START)
    assert {r.status for r in _results_of([old.pk, recent.pk])} == {"SUCCESSFUL"}

    with _at(31):
        result = run_round({"task_results": SWEEPS["task_results"]})
    assert result.counts == {"task_results": 2}  # the successful one of 31 h ago, the failure of 40 days
    left = {r.args_kwargs["args"][0]: r.status for r in DBTaskResult.objects.all()}
    assert left == {
        recent.pk: "SUCCESSFUL",
        kept_failure.pk: "FAILED",
        queued.pk: "READY",
        running.pk: "RUNNING",
    }
    assert SweepState.objects.get(name="task_results").last_count == 2
    # The queued task still runs afterwards.
    with _at(31):
        assert run_queued() == 1


def test_a_large_backlog_is_taken_in_batches_over_rounds(
    w: World, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.CIVICDESK_TASK_RESULTS_KEEP_HOURS = 1
    monkeypatch.setattr(taskresults, "PRUNE_BATCH", 2)
    with _at(0):
        orders = [w.new_order(title=f"积压 {n}") for n in range(5)]
        run_queued()
    assert len(_results_of([o.pk for o in orders])) == 5
    later = START + dt.timedelta(hours=2)
    assert taskresults.prune_task_results(later, limit=3) == 3
    assert DBTaskResult.objects.count() == 2
    assert taskresults.prune_task_results(later, limit=3) == 2
    assert taskresults.prune_task_results(later, limit=3) == 0
    assert not DBTaskResult.objects.exists()
