"""月度通报 as the page shows it is summed from the rollups (issue #20: it read the month's
dispatches, callbacks and due orders on every look), and says the same as the report counted
from the orders at the moment the sweep took them in: the same units, volumes, parts, scores,
ranks and deductions."""

from __future__ import annotations

from typing import Any

from django.test import override_settings

from civicdesk.orders import actions
from civicdesk.org.models import OrgUnit, Role, UnitKind
from civicdesk.statistics import rollups
from civicdesk.statistics.assessment import Assessment, assess
from tests.statistics.helpers import at, t
from tests.statistics.scenario import build_scenario
from tests.world import World

AS_OF = t(30, 12, month=4)


def _said(report: Assessment) -> list[Any]:
    return [
        (
            g.code,
            [
                (
                    r.unit.pk,
                    r.rank,
                    r.volume,
                    r.weighted,
                    r.score,
                    r.grade,
                    {code: (f.value, f.numerator, f.denominator) for code, f in r.figures.items()},
                    [(d.rule.code, d.count, d.points) for d in r.deductions],
                )
                for r in [*g.rows, *g.left_out]
            ],
            [r.unit.pk for r in g.red],
            [r.unit.pk for r in g.black],
        )
        for g in report.groups
    ]


@override_settings(CIVICDESK_RANKING_MIN_VOLUME=2, CIVICDESK_ASSESSMENT_BOARD_SIZE=1)
def test_the_report_from_the_rollups_says_what_the_orders_say(w: World) -> None:
    build_scenario(w)
    with at(t(5, 9)):
        # A unit with one unsigned dispatch: under the minimum volume.
        town2 = OrgUnit.objects.create(name="石岛管理区", code="rc-sd", kind=UnitKind.TOWN, parent=w.hub)
        handler = w.person("town2_handler", "石岛承办人", (town2, Role.HANDLER))
        actions.sign_for(actions.dispatch(w.new_order(), actor=w.dispatcher, lead_unit=town2), actor=handler)
    with at(AS_OF):
        rollups.run_rollup_sweep()
        rolled = assess(w.hub, "2026-03", rolled=True)
        live = assess(w.hub, "2026-03", as_of=AS_OF)
    assert rolled.rolled and rolled.rolled_at is not None
    said = _said(rolled)
    assert said == _said(live)
    # Something to compare: ranked units with parts and an overdue deduction.
    assert any(row[1] for _g, rows, _r, _b in said for row in rows)
    assert any(d[1] for _g, rows, _r, _b in said for row in rows for d in row[7] if d[0] == "overdue")
    # The unit under the minimum volume is shown with its figures from the rollups too.
    assert any(town2.pk == row[0] for _g, rows, _r, _b in said for row in rows)


def test_the_report_from_the_rollups_is_as_of_the_sweep(w: World) -> None:
    build_scenario(w)
    with at(AS_OF):
        rollups.run_rollup_sweep()
    with at(t(30, 13, month=4)):
        report = assess(w.hub, "2026-03", rolled=True)
    assert report.rolled_at == AS_OF
