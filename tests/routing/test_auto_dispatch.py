"""Auto-dispatch per category: an order entering the dispatch queue goes out without a
dispatcher when its category is switched on and the model's confidence for the unit
reaches the threshold; the event records the model version and the confidence."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import override_settings
from django.utils import timezone

from civicdesk.orders import actions
from civicdesk.orders.models import OrderEvent
from civicdesk.orders.workflow import State
from civicdesk.routing.actions import auto_dispatch, run_auto_dispatch_sweep
from civicdesk.routing.models import AutoDispatchDecision, AutoDispatchSetting, Outcome
from tests.console_hub.helpers import client_for, fresh, text
from tests.routing.helpers import trained_world
from tests.world import World

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
NOISE = {
    "title": "工地夜间施工噪音",
    "content": "工地夜里施工到凌晨，噪音扰民，影响休息。",
    "category": None,
    "area": None,
}


def switch(category: Any, *, enabled: bool = True, threshold: float = 0.9) -> AutoDispatchSetting:
    return AutoDispatchSetting.objects.create(
        category=category, enabled=enabled, threshold=threshold, updated_at=timezone.now()
    )


@pytest.fixture
def model(w: World) -> int:
    _history, version = trained_world(w)
    return version.number


@override_settings(TASKS=IMMEDIATE)
def test_an_order_entering_the_queue_goes_out_above_the_threshold(
    w: World, model: int, django_capture_on_commit_callbacks: Any
) -> None:
    switch(w.cat_noise)

    with django_capture_on_commit_callbacks(execute=True):
        order = w.pending(**{**NOISE, "category": w.cat_noise})

    order = fresh(order)
    assert (order.state, order.lead_unit) == (State.DISPATCHED, w.dept_c)
    event = OrderEvent.objects.filter(order=order, action="dispatch").get()
    assert event.actor is None and event.acting_unit is None
    assert event.data["auto"] is True and event.data["model_version"] == model
    decision = AutoDispatchDecision.objects.get(order=order)
    assert decision.outcome == Outcome.DISPATCHED
    assert event.data["confidence"] == decision.confidence >= 0.9
    page = text(client_for(w.dispatcher).get(f"/orders/{order.number}/"))
    assert f"由分派模型 v{model} 自动派单（置信度 {decision.confidence:.2f}）" in page


def test_below_the_threshold_it_waits_for_a_dispatcher(w: World, model: int) -> None:
    switch(w.cat_noise, threshold=1.0)
    order = w.pending(**{**NOISE, "category": w.cat_noise})

    decision = auto_dispatch(order.pk)

    assert decision is not None and decision.outcome == Outcome.BELOW
    assert decision.confidence is not None and decision.confidence < 1.0
    assert fresh(order).state == State.PENDING_DISPATCH
    assert not OrderEvent.objects.filter(order=order, action="dispatch").exists()


def test_only_the_categories_switched_on(w: World, model: int) -> None:
    switch(w.cat_noise)
    switch(w.cat_potholes, enabled=False)
    noise = w.pending(**{**NOISE, "category": w.cat_noise})
    road = w.pending(category=w.cat_potholes)

    assert auto_dispatch(noise.pk).outcome == Outcome.DISPATCHED
    assert auto_dispatch(road.pk).outcome == Outcome.OFF
    assert fresh(road).state == State.PENDING_DISPATCH


def test_a_parent_category_switch_covers_its_children(w: World, model: int) -> None:
    switch(w.cat_potholes.parent)  # 市政道路
    road = w.pending(category=w.cat_potholes, area=None)

    assert auto_dispatch(road.pk).outcome == Outcome.DISPATCHED
    assert fresh(road).lead_unit == w.dept_a


def test_without_a_category_the_predicted_one_decides(w: World, model: int) -> None:
    switch(w.cat_noise)
    order = w.pending(**NOISE)

    decision = auto_dispatch(order.pk)

    assert (decision.outcome, decision.category) == (Outcome.DISPATCHED, w.cat_noise)
    assert fresh(order).lead_unit == w.dept_c


def test_no_model_no_auto_dispatch(w: World) -> None:
    switch(w.cat_noise, threshold=0.5)
    order = w.pending(**{**NOISE, "category": w.cat_noise})

    assert auto_dispatch(order.pk).outcome == Outcome.NO_MODEL
    assert fresh(order).state == State.PENDING_DISPATCH


def test_the_sweep_catches_what_the_task_missed_once(w: World, model: int) -> None:
    switch(w.cat_noise)
    # Queued while no worker ran the on-commit task.
    order = w.pending(**{**NOISE, "category": w.cat_noise})

    assert run_auto_dispatch_sweep() == 1
    assert run_auto_dispatch_sweep() == 0
    assert fresh(order).state == State.DISPATCHED
    assert OrderEvent.objects.filter(order=order, action="dispatch").count() == 1
    assert auto_dispatch(order.pk) is None


def test_a_returned_order_is_left_to_the_dispatchers(w: World, model: int) -> None:
    switch(w.cat_noise)
    order = actions.dispatch(w.new_order(**{**NOISE, "category": w.cat_noise}), actor=w.dispatcher, lead_unit=w.dept_a)
    order = actions.request_return(order, actor=w.handler_a, reason="不属本单位职责")
    order = actions.approve_return(order, actor=w.dispatcher)
    assert order.state == State.PENDING_DISPATCH

    assert run_auto_dispatch_sweep() == 0
    assert fresh(order).state == State.PENDING_DISPATCH


def test_the_admin_switches_a_category_on_with_a_threshold(w: World, model: int) -> None:
    client = client_for(w.admin)
    prefix = f"c{w.cat_noise.pk}"
    page = text(client.get("/routing/auto"))
    assert f'id="auto-{w.cat_noise.pk}"' in page

    bad = client.post(
        "/routing/auto", {"category": w.cat_noise.pk, f"{prefix}-enabled": "on", f"{prefix}-threshold": "0.3"}
    )
    assert bad.status_code == 400
    assert "阈值不能低于 0.5。" in text(bad)
    assert not AutoDispatchSetting.objects.exists()

    ok = client.post(
        "/routing/auto", {"category": w.cat_noise.pk, f"{prefix}-enabled": "on", f"{prefix}-threshold": "0.97"}
    )
    assert ok.status_code == 302
    setting = AutoDispatchSetting.objects.get()
    assert (setting.category, setting.enabled, setting.threshold, setting.updated_by) == (
        w.cat_noise,
        True,
        0.97,
        w.admin,
    )
    assert client_for(w.dispatcher).get("/routing/auto").status_code == 403


def test_entering_the_queue_queues_the_decision_for_the_worker(
    w: World, model: int, django_capture_on_commit_callbacks: Any
) -> None:
    from django_tasks_db.models import DBTaskResult

    def queued() -> int:
        return DBTaskResult.objects.filter(task_path="civicdesk.routing.tasks.auto_dispatch_order").count()

    with django_capture_on_commit_callbacks(execute=True):
        w.pending(**{**NOISE, "category": w.cat_noise})
    assert queued() == 0  # nothing switched on: nothing to decide

    switch(w.cat_noise)
    with django_capture_on_commit_callbacks(execute=True):
        order = w.pending(**{**NOISE, "category": w.cat_noise, "channel": "api"})
    task = DBTaskResult.objects.get(task_path="civicdesk.routing.tasks.auto_dispatch_order")
    assert task.args_kwargs["args"] == [order.pk]
    assert fresh(order).state == State.PENDING_DISPATCH  # the worker decides
