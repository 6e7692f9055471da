from __future__ import annotations

import datetime as dt

from civicdesk.statistics import rollups
from civicdesk.statistics.measures import Config, Filters
from tests.statistics.compare import assert_equal
from tests.statistics.helpers import at, t
from tests.statistics.scenario import build_scenario
from tests.world import World

MARCH = rollups.Days(dt.date(2026, 3, 1), dt.date(2026, 3, 31))
APRIL = rollups.Days(dt.date(2026, 4, 1), dt.date(2026, 4, 30))
PERIODS = [
    MARCH,
    APRIL,
    rollups.Days(dt.date(2026, 3, 1), dt.date(2026, 4, 30)),
    rollups.Days(dt.date(2026, 3, 2), dt.date(2026, 3, 8)),  # one week
    rollups.Days(dt.date(2026, 3, 23), dt.date(2026, 3, 23)),  # one day
    rollups.Days(dt.date(2026, 4, 27), dt.date(2026, 5, 31)),  # running into the future
    rollups.Days(dt.date(2026, 2, 20), dt.date(2026, 4, 3)),  # a whole month between two part months
]


def _filter_sets(w: World) -> list[Filters]:
    return [
        Filters(),
        Filters(channel="web"),
        Filters(request_type="help"),
        Filters(urgency="urgent"),
        Filters(category=w.cat_roads),
        Filters(category=w.cat_roads.parent),
        Filters(category=w.cat_noise),
        Filters(area=w.area_town),
        Filters(area=w.area_village),
        Filters(lead_unit=w.dept_a, include_sub_units=False),
        Filters(lead_unit=w.town),
        Filters(lead_unit=w.town, include_sub_units=False),
        Filters(lead_unit=w.hub),
        Filters(topic=w.topic_epidemic),
        Filters(topic=w.topic_epidemic, lead_unit=w.dept_a),
        Filters(category=w.cat_roads, area=w.area_town, channel="phone"),
    ]


def test_the_sweep_makes_the_rollups_equal_to_a_full_recomputation(w: World) -> None:
    build_scenario(w)
    now = t(30, 12, month=4)
    with at(now):
        assert rollups.run_rollup_sweep() > 0
    for days in PERIODS:
        for filters in _filter_sets(w):
            assert_equal(days, filters, now)


def test_the_settings_for_partly_solved_and_basically_satisfied_apply_to_the_rollups(w: World) -> None:
    build_scenario(w)
    now = t(30, 12, month=4)
    with at(now):
        rollups.run_rollup_sweep()
    for config in (Config(True, True), Config(False, False), Config(False, True)):
        assert_equal(MARCH, Filters(), now, config)
        assert_equal(APRIL, Filters(topic=w.topic_epidemic), now, config)


def test_a_deadline_passing_without_any_change_counts_at_once(w: World) -> None:
    build_scenario(w)
    with at(t(27, 12, month=4)):
        rollups.run_rollup_sweep()
    # Nothing changed since, but deadlines passed: the rollups follow the clock.
    later = t(30, 23, month=5)
    for days in PERIODS:
        assert_equal(days, Filters(), later)
        assert_equal(days, Filters(lead_unit=w.dept_a, include_sub_units=False), later)


def test_a_rebuild_gives_the_same_figures(w: World) -> None:
    build_scenario(w)
    now = t(30, 12, month=4)
    with at(now):
        rollups.rebuild()
    for days in PERIODS[:3]:
        for filters in _filter_sets(w)[:8]:
            assert_equal(days, filters, now)


def test_the_drill_down_list_holds_the_orders_behind_the_figure(w: World) -> None:
    from civicdesk.statistics.measures import MEASURES, Period, drill, measure

    build_scenario(w)
    now = t(30, 12, month=4)
    for code in MEASURES:
        for part in ("numerator", "denominator") if MEASURES[code].kind != "count" else ("numerator",):
            figure = measure(code, Period(MARCH.start, MARCH.end), as_of=now)
            ids = figure.numerator_ids if part == "numerator" else figure.denominator_ids
            listed = drill(code, Period(MARCH.start, MARCH.end), part=part, as_of=now)  # type: ignore[arg-type]
            assert set(listed.values_list("pk", flat=True)) == set(ids), (code, part)
