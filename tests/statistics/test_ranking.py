from __future__ import annotations

import dataclasses

from civicdesk.orders import actions
from civicdesk.statistics.measures import Figure, Period
from civicdesk.statistics.ranking import rank_units, unit_score
from tests.statistics.helpers import at, t
from tests.world import World

MARCH = Period(t(1, 0), t(1, 0, month=4))


def test_it_leaves_out_units_under_the_minimum_volume_and_says_so(w: World) -> None:
    with at(t(2, 9)):
        for _ in range(3):
            w.closed()  # dept_a: signed in time, solved, satisfied
        lucky = actions.dispatch(w.new_order(), actor=w.dispatcher, lead_unit=w.dept_c)
        lucky = actions.sign_for(lucky, actor=w.handler_c)
    ranking = rank_units(MARCH, as_of=t(3), min_volume=2, weights=(30, 35, 35))
    assert [(row.rank, row.unit, row.volume, row.score) for row in ranking.rows] == [(1, w.dept_a, 3, 100.0)]
    assert ranking.left_out == [(w.dept_c, 1)]
    assert ranking.note == "接收派单不足2次、未参与排名的单位：市生态环境分局（1次）。"


def test_it_weights_the_parts_and_renormalises_a_missing_one(w: World) -> None:
    with at(t(2, 9)):
        late = w.dispatched()
        w.closed()
    with at(t(2, 15)):
        actions.sign_for(late, actor=w.handler_a)
    row = rank_units(MARCH, as_of=t(3), min_volume=1, weights=(30, 35, 35)).rows[0]
    # 响应率 1/2, 解决率 1/1, 满意率 1/1 → 30×0.5 + 35 + 35 = 85
    assert row.score == 85.0 and row.missing == ()
    # A unit without callbacks is scored on 响应率 alone.
    score, missing = unit_score(
        {
            "response": row.figures["response"],
            "resolution": _empty(row.figures["resolution"]),
            "satisfaction": _empty(row.figures["satisfaction"]),
        },
        (30, 35, 35),
    )
    assert (score, missing) == (50.0, ("resolution", "satisfaction"))


def _empty(figure: Figure) -> Figure:
    return dataclasses.replace(figure, value=None, numerator=0, denominator=0, numerator_ids=(), denominator_ids=())
