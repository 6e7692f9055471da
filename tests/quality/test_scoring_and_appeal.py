"""Scoring and the appeal: the inspector scores on the form (each item loses at most its
points), the operator sees it and may appeal once, and someone other than the scorer and
the operator decides; every step is one event in the inspection's history."""

from __future__ import annotations

import pytest

from civicdesk.orders.errors import ConflictError, InvalidInput, InvalidTransition, PermissionDenied
from civicdesk.quality import actions
from civicdesk.quality.models import DeductionReason, Inspection, InspectionState
from tests.quality.helpers import WEEK, answered_calls, inspector
from tests.world import World

pytestmark = pytest.mark.django_db


def _queued(w: World) -> Inspection:
    answered_calls(w, w.operator, 1)
    actions.fill_queue(w.hub, WEEK, actor=None)
    return Inspection.objects.get()


def _reason(text: str) -> DeductionReason:
    return DeductionReason.objects.get(text=text)


def test_the_score_takes_the_deductions_off_a_hundred_capped_per_item(w: World) -> None:
    item = _queued(w)
    # 礼貌用语 is worth 15: 8 + 15 + 10 ticked there still take only 15; plus 5 for the greeting.
    ticked = [_reason(t).pk for t in ("语气生硬", "使用不文明用语", "推诿来电人", "未报工号")]
    scored = actions.score(item, actor=inspector(w), reasons=ticked, comment="态度需改进", version=item.version)
    assert (scored.state, scored.score, scored.inspector) == (InspectionState.SCORED, 80, inspector(w))
    assert list(scored.events.values_list("action", flat=True)) == ["queued", "scored"]


def test_the_operator_appeals_once_and_another_inspector_decides(w: World) -> None:
    item = _queued(w)
    first, second = inspector(w), inspector(w, "qc2", "质检员小吴")
    item = actions.score(item, actor=first, reasons=[_reason("未报工号").pk, _reason("打断来电人").pk])
    assert item.score == 87

    item = actions.appeal(item, actor=w.operator, text="录音里报了工号", version=item.version)
    assert item.state == InspectionState.APPEALED
    with pytest.raises(InvalidTransition):
        actions.appeal(item, actor=w.operator, text="再申诉一次")

    with pytest.raises(PermissionDenied):  # the scorer does not judge their own score
        actions.decide(item, actor=first, withdraw=[], note="维持")
    withdrawn = item.deductions.get(reason__text="未报工号")
    item = actions.decide(item, actor=second, withdraw=[withdrawn.pk], note="工号已报，撤销该项", version=item.version)

    assert (item.state, item.score, item.decided_by) == (InspectionState.FINAL, 92, second)
    assert list(item.events.values_list("action", flat=True)) == ["queued", "scored", "appealed", "decided"]
    assert item.events.get(action="decided").data == {"before": 87, "after": 92, "withdrawn": [withdrawn.pk]}
    with pytest.raises(InvalidTransition):  # decided: no second appeal either
        actions.appeal(item, actor=w.operator, text="还是不服")


def test_a_leader_may_decide_and_a_rejected_appeal_keeps_the_score(w: World) -> None:
    item = actions.score(_queued(w), actor=inspector(w), reasons=[_reason("语气生硬").pk])
    item = actions.appeal(item, actor=w.operator, text="语气正常")
    item = actions.decide(item, actor=w.leader, withdraw=[], note="录音中语气确实生硬，维持")
    assert (item.state, item.score) == (InspectionState.FINAL, 92)


def test_only_the_operator_appeals_and_only_inspectors_score(w: World) -> None:
    item = _queued(w)
    for person in (w.dispatcher, w.leader, w.operator):
        with pytest.raises(PermissionDenied):
            actions.score(item, actor=person, reasons=[])
    item = actions.score(item, actor=inspector(w), reasons=[])
    assert item.score == 100
    with pytest.raises(PermissionDenied):
        actions.appeal(item, actor=w.dispatcher, text="替他申诉")
    with pytest.raises(PermissionDenied):  # the operator cannot decide their own appeal
        actions.decide(actions.appeal(item, actor=w.operator, text="理由"), actor=w.operator, withdraw=[], note="x")


def test_an_empty_appeal_a_stale_form_and_a_second_score_are_refused(w: World) -> None:
    item = _queued(w)
    stale = item.version
    actions.score(item, actor=inspector(w), reasons=[])
    with pytest.raises(ConflictError):
        actions.score(item, actor=inspector(w, "qc2", "质检员小吴"), reasons=[], version=stale)
    with pytest.raises(InvalidTransition):
        actions.score(item, actor=inspector(w, "qc2", "质检员小吴"), reasons=[])
    with pytest.raises(InvalidInput):
        actions.appeal(item, actor=w.operator, text="   ")
    assert Inspection.objects.get().appealed_at is None
