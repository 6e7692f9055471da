from __future__ import annotations

import datetime as dt

from civicdesk.statistics import rollups
from civicdesk.statistics.measures import Period
from civicdesk.statistics.ranking import rank_units, rank_units_rolled
from tests.statistics.helpers import at, t
from tests.statistics.scenario import build_scenario
from tests.world import World

MARCH = rollups.Days(dt.date(2026, 3, 1), dt.date(2026, 3, 31))


def test_first_dispatch_accuracy_per_category_and_per_unit(w: World) -> None:
    build_scenario(w)
    with at(t(30, 12, month=4)):
        rollups.run_rollup_sweep()
        by_leaf = rollups.first_dispatch_accuracy(MARCH, by="category")
        by_unit = rollups.first_dispatch_accuracy(MARCH, by="unit")
    # Potholes, first dispatched in March: extended, reworked, late, no_rating, parent, unsigned,
    # redispatched (re-dispatched: wrong), town (sub-dispatched: not wrong), crossing → 8 of 9.
    potholes = by_leaf[w.cat_potholes.pk]
    assert (potholes.numerator, potholes.denominator) == (8, 9)
    # Noise: the returned order (wrong) and open_late (right).
    assert (by_leaf[w.cat_noise.pk].numerator, by_leaf[w.cat_noise.pk].denominator) == (1, 2)
    # Per current lead unit: dept_b holds the re-dispatched order, dept_c the returned one.
    assert (by_unit[w.dept_b.pk].numerator, by_unit[w.dept_b.pk].denominator) == (0, 1)
    assert (by_unit[w.dept_c.pk].numerator, by_unit[w.dept_c.pk].denominator) == (0, 1)


def test_the_ranking_from_the_rollups_is_the_ranking_of_measures(w: World) -> None:
    build_scenario(w)
    now = t(30, 12, month=4)
    with at(now):
        rollups.run_rollup_sweep()
    direct = rank_units(Period(MARCH.start, MARCH.end), as_of=now, min_volume=2)
    rolled = rank_units_rolled(MARCH, now=now, min_volume=2)
    assert [(r.rank, r.unit, r.volume, r.score) for r in rolled.rows] == [
        (r.rank, r.unit, r.volume, r.score) for r in direct.rows
    ]
    assert rolled.note == direct.note and rolled.rows
