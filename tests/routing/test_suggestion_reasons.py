"""Each suggestion says why: the catalogue rule that maps category and area to the unit,
and the past orders that ended at that unit (a few numbers and titles to check)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from civicdesk.routing.suggestions import suggest
from tests.routing.helpers import closed_order, trained_world
from tests.world import World


def test_the_top_suggestion_names_its_rule_and_supporting_orders(w: World) -> None:
    history, version = trained_world(w)

    found = suggest(title="路面坑洼", content="东风路路面坑洼积水，请修复路面。")

    best = found.best
    assert found.version == version.number and found.calibrated
    assert (best.category, best.unit) == (w.cat_potholes, w.dept_a)
    assert best.rule is not None and best.rule.unit == w.dept_a
    assert "派单目录：城乡建设 / 市政道路 → 市住房和城乡建设局" in best.reason()
    trained_on = {o.number for o in history.orders if o.category == w.cat_potholes and o.lead_unit == w.dept_a}
    assert best.examples and {number for number, _title in best.examples} <= trained_on
    assert best.history > 0 and f"同类工单 {best.history} 件最终由该单位办结" in best.reason()
    assert len(found.options) == 3
    assert 0.5 < best.confidence <= 1.0
    assert abs(sum(o.confidence for o in found.options) - 1.0) < 0.05


def test_history_overrides_a_rule_that_keeps_being_returned(w: World) -> None:
    # The catalogue sends road damage in 北山社区 to the community itself, but such orders
    # always end with the town after a return.
    moment = timezone.now() - timedelta(days=90)
    for i in range(12):
        moment += timedelta(hours=1)
        closed_order(
            w,
            f"北山社区路面破损{i}",
            "北山社区内道路路面破损坑洼。",
            w.cat_potholes,
            w.town,
            moment,
            area=w.area_village,
        )
    trained_world(w)

    found = suggest(title="路面破损", content="路面坑洼", area=w.area_village, category=w.cat_potholes)

    assert found.best.unit == w.town
    assert found.best.rule is None  # not what the catalogue says
    assert "北山社区同类工单" in found.best.reason()
    runner_up = [o for o in found.options if o.unit == w.village]
    assert runner_up and runner_up[0].rule is not None
