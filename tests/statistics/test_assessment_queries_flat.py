"""月度通报 asks the database as often for many units as for few, and each unit's figures are
the figures of its own drill-down (issue #20): every part of the score and every deduction is
counted for all units in one grouped query, not once per unit."""

from __future__ import annotations

from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from civicdesk.orders import actions
from civicdesk.org.models import OrgUnit, Role, UnitKind
from civicdesk.statistics import rollups
from civicdesk.statistics.assessment import assess, rule_orders
from civicdesk.statistics.measures import TALLIED, Filters, measure, measure_by_unit
from tests.statistics.helpers import at, t
from tests.statistics.scenario import build_scenario
from tests.world import World

AS_OF = t(30, 12, month=4)


def _units_with_orders(w: World, start: int, n: int) -> None:
    """n more bureaus, each with two March orders: one closed (satisfied), one late to sign."""
    with at(t(4, 9)):
        for i in range(start, start + n):
            unit = OrgUnit.objects.create(name=f"新设局{i}", code=f"rc-j{i}", kind=UnitKind.DEPARTMENT, parent=w.hub)
            handler = w.person(f"j_handler{i}", f"新设局承办人{i}", (unit, Role.HANDLER))
            order = actions.dispatch(w.new_order(), actor=w.dispatcher, lead_unit=unit)
            order = actions.sign_for(order, actor=handler)
            order = actions.reply(order, actor=handler, result="solved", text="已处理完毕并告知来电人。")
            order = actions.accept_reply(order, actor=w.dispatcher)
            actions.record_callback(order, actor=w.callback_agent, solved="solved", satisfaction="satisfied")
            actions.dispatch(w.new_order(), actor=w.dispatcher, lead_unit=unit)


def _queries(client: Client, path: str) -> int:
    with at(AS_OF):
        # The page reads the month from the rollups, as the sweep took the orders in.
        rollups.run_rollup_sweep()
        client.get(path)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
    assert response.status_code == 200
    return len(captured.captured_queries)


@override_settings(CIVICDESK_RANKING_MIN_VOLUME=2)
def test_the_assessment_page_asks_as_often_for_many_units_as_for_few(w: World) -> None:
    build_scenario(w)
    client = Client()
    client.force_login(w.leader)
    path = f"/stats/assessment/?hub={w.hub.pk}&month=2026-03"
    _units_with_orders(w, 0, 1)
    few = _queries(client, path)
    _units_with_orders(w, 1, 5)
    many = _queries(client, path)
    with at(AS_OF):
        html = client.get(path).content.decode()
    assert all(f"新设局{i}" in html for i in range(6))
    assert many <= few


def test_each_units_figures_are_those_of_its_own_drill_down(w: World) -> None:
    build_scenario(w)
    _units_with_orders(w, 0, 2)
    units = list(OrgUnit.objects.filter(path__startswith=w.hub.path).exclude(pk=w.hub.pk))
    period = assess(w.hub, "2026-03", as_of=AS_OF).period
    for code in TALLIED:
        grouped = measure_by_unit(code, period, [u.pk for u in units], as_of=AS_OF)
        one_by_one = {
            u.pk: measure(code, period, Filters(lead_unit=u, include_sub_units=False), as_of=AS_OF) for u in units
        }
        assert {pk: (f.value, f.numerator, f.denominator) for pk, f in grouped.items()} == {
            pk: (f.value, f.numerator, f.denominator) for pk, f in one_by_one.items()
        }, code
    # Something to compare: the scenario's March has dispatches, callbacks and overdue orders.
    assert any(f.numerator for f in measure_by_unit("overdue", period, [u.pk for u in units], as_of=AS_OF).values())


def test_each_deduction_names_the_orders_of_its_own_list(w: World) -> None:
    build_scenario(w)
    report = assess(w.hub, "2026-03", as_of=AS_OF, min_volume=1)
    rows = [r for g in report.groups for r in (*g.rows, *g.left_out)]
    assert rows
    for row in rows:
        for d in row.deductions:
            assert list(d.order_ids) == rule_orders(d.rule, report.period, row.unit, as_of=AS_OF), (row.unit, d.rule)
    assert any(d.count for row in rows for d in row.deductions)
