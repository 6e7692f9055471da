"""The sampling rule: per operator and week, 5 % of the answered calls at random (at least
one), plus every call whose order is a complaint or whose callback was unsatisfied; the draw
is the same every time for the same seed, and running it again adds nothing twice."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine

from civicdesk.orders.errors import PermissionDenied
from civicdesk.orders.models import Satisfaction, WorkOrder
from civicdesk.quality import actions
from civicdesk.quality.actions import run_quality_sampling
from civicdesk.quality.models import Inspection, InspectionEvent, Picked, SamplingRule
from civicdesk.quality.sampling import Candidate, Rule, draw
from tests.quality.helpers import WEEK, answered_calls, inspector
from tests.world import World


def test_the_draw_is_five_percent_per_operator_and_the_same_for_the_same_seed() -> None:
    pool = [Candidate(n, 1 + n % 2, None) for n in range(1, 401)]  # 200 calls each for two operators
    first = draw(pool, Rule(), "seed-a")
    again = draw(pool, Rule(), "seed-a")
    other = draw(pool, Rule(), "seed-b")

    assert first == again
    assert {c.call_id for c, _ in first} != {c.call_id for c, _ in other}
    per_operator = {op: sum(1 for c, _ in first if c.operator_id == op) for op in (1, 2)}
    assert per_operator == {1: 10, 2: 10}  # ceil(5 % of 200)
    assert all(picked == Picked.RANDOM for _, picked in first)


def test_every_complaint_and_unsatisfied_call_is_drawn_on_top_of_the_share() -> None:
    must = [Candidate(n, 7, Picked.COMPLAINT) for n in range(1, 4)] + [Candidate(4, 7, Picked.UNSATISFIED)]
    pool = must + [Candidate(n, 7, None) for n in range(5, 45)]
    chosen = draw(pool, Rule(), "s")

    assert [(c.call_id, p) for c, p in chosen if p != Picked.RANDOM] == [(c.call_id, c.must) for c in must]
    assert sum(1 for _, p in chosen if p == Picked.RANDOM) == 3  # ceil(5 % of 44 calls)


def test_an_operator_with_few_calls_gets_the_minimum_and_zero_percent_draws_none() -> None:
    pool = [Candidate(n, 3, None) for n in range(1, 6)]
    assert len(draw(pool, Rule(minimum=2), "s")) == 2
    assert draw(pool, Rule(percent=0, minimum=2), "s") == []


@pytest.mark.django_db
def test_filling_the_queue_takes_complaints_and_unsatisfied_callbacks_and_is_idempotent(w: World) -> None:
    complaint = w.new_order(request_type="complaint")
    unsatisfied = w.new_order(request_type="enquiry")
    WorkOrder.objects.filter(pk=unsatisfied.pk).update(callback_satisfaction=Satisfaction.UNSATISFIED)
    plain = answered_calls(w, w.operator, 60)
    answered_calls(w, w.operator, 1, order=complaint)
    answered_calls(w, w.operator, 1, order=unsatisfied)
    answered_calls(w, w.operator, 5, day=WEEK + timedelta(days=7))  # next week: not this one's
    qc = inspector(w)

    added = actions.fill_queue(w.hub, WEEK + timedelta(days=3), actor=qc)  # any day of the week

    picked = dict(Inspection.objects.values_list("call__order_id", "picked").exclude(call__order=None))
    assert picked == {complaint.pk: Picked.COMPLAINT, unsatisfied.pk: Picked.UNSATISFIED}
    randoms = Inspection.objects.filter(picked=Picked.RANDOM)
    assert randoms.count() == 4  # ceil(5 % of 62)
    assert set(randoms.values_list("call_id", flat=True)) <= {c.pk for c in plain}
    assert added == 6 and set(Inspection.objects.values_list("week", flat=True)) == {WEEK}
    assert InspectionEvent.objects.filter(action="queued").count() == 6
    assert actions.fill_queue(w.hub, WEEK, actor=None) == 0  # the weekly sweep again: nothing new


@pytest.mark.django_db
def test_the_hubs_seed_decides_the_draw(w: World) -> None:
    answered_calls(w, w.operator, 100)
    actions.fill_queue(w.hub, WEEK, actor=None)
    first = set(Inspection.objects.values_list("call_id", flat=True))
    Inspection.objects.all().delete()
    SamplingRule.objects.create(hub=w.hub, percent=5, seed="2026-spring")
    actions.fill_queue(w.hub, WEEK, actor=None)
    assert set(Inspection.objects.values_list("call_id", flat=True)) != first
    assert len(first) == 5


@pytest.mark.django_db
def test_only_the_hubs_inspectors_fill_the_queue(w: World) -> None:
    answered_calls(w, w.operator, 10)
    for refused in (w.dispatcher, w.operator, w.leader):
        with pytest.raises(PermissionDenied):
            actions.fill_queue(w.hub, WEEK, actor=refused)
    assert not Inspection.objects.exists()
    assert actions.fill_queue(w.hub, WEEK, actor=inspector(w)) == 1


@pytest.mark.django_db
def test_the_weekly_sweep_draws_last_week_once_then_adds_only_late_unsatisfied_callbacks(w: World) -> None:
    answered_calls(w, w.operator, 40)
    late = w.new_order(request_type="enquiry")
    answered_calls(w, w.operator, 1, order=late)
    with time_machine.travel("2026-03-10 12:00 +0800", tick=False):  # the Tuesday after WEEK
        assert run_quality_sampling() == 3  # ceil(5 % of 41)
        assert run_quality_sampling() == 0
        WorkOrder.objects.filter(pk=late.pk).update(callback_satisfaction=Satisfaction.UNSATISFIED)
        added = run_quality_sampling()
    # The late call is in the queue once: added now, or already drawn at random before.
    assert Inspection.objects.filter(call__order=late).count() == 1
    assert Inspection.objects.count() == 3 + added
