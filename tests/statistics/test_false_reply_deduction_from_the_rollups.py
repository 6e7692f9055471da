"""月度通报's 虚假答复 deduction (the callbacks that found a reply untrue and ordered rework) is
summed from the month's unit rows of the rollups, like 超期 (issue #20: counted on the events, it
read the month's rework callbacks and their orders on every look, 180 ms at ten million orders):
after the sweep has taken the callbacks in, each unit's count is the live count of its rework
callbacks — what the rule counted on the events before — and the page reads no callback for it."""

from __future__ import annotations

from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from civicdesk.orders import actions
from civicdesk.orders.models import WorkOrder
from civicdesk.org.models import OrgUnit, User
from civicdesk.statistics import rollups
from civicdesk.statistics.assessment import Assessment, DeductionRule, assess, rules_orders_by_unit
from civicdesk.statistics.measures import Filters, measure
from tests.statistics.helpers import at, t
from tests.world import World

AS_OF = t(30, 12, month=4)
# The rule as it was: counted on the events when asked.
ON_THE_EVENTS = DeductionRule.from_dict(
    {"code": "x", "name": "x", "action": "record_callback", "data": {"rework": True}, "points": 2}
)


def _awaiting_callback(w: World, unit: OrgUnit, handler: User) -> WorkOrder:
    order = actions.sign_for(actions.dispatch(w.new_order(), actor=w.dispatcher, lead_unit=unit), actor=handler)
    order = actions.reply(order, actor=handler, result="solved", text="已处理完毕并告知来电人。")
    return actions.accept_reply(order, actor=w.dispatcher)


def _reworked(w: World, unit: OrgUnit, handler: User, times: int = 1) -> WorkOrder:
    """An order whose reply a callback found untrue `times` times, then closed."""
    order = _awaiting_callback(w, unit, handler)
    for _ in range(times):
        order = actions.record_callback(
            order, actor=w.callback_agent, solved="unsolved", satisfaction="unsatisfied", rework=True
        )
        order = actions.reply(order, actor=handler, result="solved", text="已重新组织人员现场处理。")
        order = actions.accept_reply(order, actor=w.dispatcher)
    return actions.record_callback(order, actor=w.callback_agent, solved="solved", satisfaction="satisfied")


def _false_replies(report: Assessment) -> dict[int, tuple[int, float]]:
    return {
        row.unit.pk: next((d.count, d.points) for d in row.deductions if d.rule.code == "false_reply")
        for group in report.groups
        for row in (*group.rows, *group.left_out)
    }


@override_settings(CIVICDESK_RANKING_MIN_VOLUME=2)
def test_each_units_false_replies_summed_from_the_rollups_are_its_live_count(w: World) -> None:
    with at(t(2)):
        _reworked(w, w.dept_a, w.handler_a, times=2)  # two rework callbacks on one order: two deductions
        _reworked(w, w.dept_a, w.handler_a)
        _reworked(w, w.dept_b, w.handler_b)
        _reworked(w, w.town, w.town_handler, times=0)  # a callback, not a rework
        _awaiting_callback(w, w.dept_c, w.handler_c)
    with at(t(20)):
        # Reworked, then voided: not hotline work, counted nowhere.
        voided = actions.record_callback(
            _awaiting_callback(w, w.dept_b, w.handler_b),
            actor=w.callback_agent,
            solved="unsolved",
            satisfaction="unsatisfied",
            rework=True,
        )
        actions.void(voided, actor=w.dispatcher, reason="测试工单")
    with at(t(2, month=4)):
        _reworked(w, w.dept_b, w.handler_b)  # April's: not March's report
    with at(AS_OF):
        rollups.run_rollup_sweep()
        with CaptureQueriesContext(connection) as captured:
            report = assess(w.hub, "2026-03", rolled=True)
    counted = _false_replies(report)
    period = report.period
    units = list(counted)
    on_the_events = rules_orders_by_unit(ON_THE_EVENTS, period, units, as_of=AS_OF)
    for unit in OrgUnit.objects.filter(pk__in=units):
        live = measure("false_replies", period, Filters(lead_unit=unit, include_sub_units=False), as_of=AS_OF)
        assert counted[unit.pk] == (live.numerator, 2 * live.numerator), unit.name
        assert live.numerator == len(on_the_events[unit.pk]), unit.name
    assert {pk: n for pk, (n, _points) in counted.items() if n} == {w.dept_a.pk: 3, w.dept_b.pk: 1}
    # The page reads the month's unit rows, not the callbacks.
    assert not [q["sql"] for q in captured.captured_queries if "record_callback" in q["sql"]]
