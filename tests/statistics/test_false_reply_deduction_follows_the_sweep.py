"""A callback that finds a reply untrue and orders rework counts in 月度通报's 虚假答复 deduction
once the sweep has taken it in: the page is as of the last sweep (its 数据截至), as its other
figures are, and a plain callback afterwards adds nothing."""

from __future__ import annotations

from civicdesk.orders import actions
from civicdesk.orders.models import WorkOrder
from civicdesk.statistics import rollups
from civicdesk.statistics.assessment import assess, month_days, month_period
from civicdesk.statistics.measures import Filters, measure
from tests.statistics.helpers import at, t
from tests.world import World


def _false_reply(w: World) -> tuple[int, float]:
    """dept_a's 虚假答复 count and points on March's report, as the page shows it."""
    report = assess(w.hub, "2026-03", rolled=True)
    row = next(r for g in report.groups for r in (*g.rows, *g.left_out) if r.unit == w.dept_a)
    deduction = next(d for d in row.deductions if d.rule.code == "false_reply")
    assert deduction.order_ids is None  # summed from the rollups, not counted on the callbacks
    return deduction.count, deduction.points


def _live(w: World) -> float:
    """dept_a's 虚假答复次数 in March counted from the callbacks now."""
    period = month_period(*month_days("2026-03"))
    return measure("false_replies", period, Filters(lead_unit=w.dept_a, include_sub_units=False)).numerator


def test_a_rework_callback_counts_once_the_sweep_takes_it_in(w: World) -> None:
    with at(t(2)):
        order: WorkOrder = w.awaiting_callback()
        w.rework()  # one already: the count starts at 1
    with at(t(3)):
        rollups.run_rollup_sweep()
        assert _false_reply(w) == (1, 2.0)
    with at(t(4)):
        order = actions.record_callback(
            order, actor=w.callback_agent, solved="unsolved", satisfaction="unsatisfied", rework=True
        )
        # Not yet: the page is as of the last sweep.
        assert _false_reply(w) == (1, 2.0)
    with at(t(4, 10)):
        rollups.run_rollup_sweep()
        assert _false_reply(w) == (2, 4.0) == (_live(w), 2 * _live(w))
    with at(t(5)):
        order = actions.reply(order, actor=w.handler_a, result="solved", text="已重新修复路面。")
        order = actions.accept_reply(order, actor=w.dispatcher)
        actions.record_callback(order, actor=w.callback_agent, solved="solved", satisfaction="satisfied")
    with at(t(5, 10)):
        rollups.run_rollup_sweep()
        assert _false_reply(w) == (2, 4.0) == (_live(w), 2 * _live(w))
