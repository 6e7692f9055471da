"""An inspection's steps carry the time they happened when replayed from a history (the
demo's past weeks, an import), like the orders' moves: the report's weeks and the record's
times are those of the real scoring, appeal and decision."""

from __future__ import annotations

from datetime import timedelta

import pytest

from civicdesk.orders import clock
from civicdesk.quality import actions
from civicdesk.quality.models import DeductionReason, Inspection
from tests.quality.helpers import WEEK, answered_calls, inspector
from tests.worktime.helpers import at
from tests.world import World

pytestmark = pytest.mark.django_db


def test_score_appeal_and_decision_take_the_clock_they_run_at(w: World) -> None:
    answered_calls(w, w.operator, 1)
    actions.fill_queue(w.hub, WEEK, actor=None)
    item = Inspection.objects.get()
    scored_at = at(2026, 3, 10, 9, 30)
    with clock.running_at(scored_at):
        item = actions.score(item, actor=inspector(w), reasons=[DeductionReason.objects.get(text="未报工号").pk])
    with clock.running_at(scored_at + timedelta(hours=20)):
        item = actions.appeal(item, actor=w.operator, text="我报了工号")
    with clock.running_at(scored_at + timedelta(days=2)):
        item = actions.decide(item, actor=w.leader, withdraw=[], note="维持原分")
    assert (item.scored_at, item.appealed_at, item.decided_at) == (
        scored_at,
        scored_at + timedelta(hours=20),
        scored_at + timedelta(days=2),
    )
    times = list(item.events.order_by("pk").values_list("action", "at"))
    assert [a for a, _t in times] == ["queued", "scored", "appealed", "decided"]
    assert [t for _a, t in times][1:] == [item.scored_at, item.appealed_at, item.decided_at]
