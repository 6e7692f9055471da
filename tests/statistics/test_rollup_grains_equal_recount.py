"""Every grain of the rollups, day rows and month rows, holds what the orders count (issue #20):
a hub's figures by category and by area (read from the hub+category and hub+area grains, and
from their month rows for whole months) equal measures.py counting the orders of that hub and
category or area, after a full build and after changes taken in by later sweeps; and every
coarser row is the sum of the full-grain rows below it."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from civicdesk.catalogue.models import Area, Category
from civicdesk.orders import actions
from civicdesk.org.models import OrgUnit, Role, UnitKind
from civicdesk.statistics import rollups
from civicdesk.statistics.measures import Filters, _descendants
from civicdesk.statistics.models import COUNTERS, DIMS, GRAINS, TOPIC_GRAINS, DailyRollup, TopicDailyRollup
from tests.statistics.compare import assert_equal
from tests.statistics.helpers import at, t
from tests.statistics.scenario import build_scenario
from tests.world import World

PERIODS = [
    rollups.Days(dt.date(2026, 3, 1), dt.date(2026, 3, 31)),  # a whole month: month rows
    rollups.Days(dt.date(2026, 1, 1), dt.date(2026, 12, 31)),  # a year: twelve month rows
    rollups.Days(dt.date(2026, 2, 20), dt.date(2026, 4, 3)),  # day rows, a month's rows, day rows
    rollups.Days(dt.date(2026, 3, 23), dt.date(2026, 3, 23)),  # one day
]
SUMS = (*COUNTERS, "ht_minutes")


def _lower_hub(w: World) -> tuple[OrgUnit, Any]:
    """A county center below the city's, with a unit and staff of its own."""
    county = OrgUnit.objects.create(
        name="石岛管理区12345", code="rc-sd", kind=UnitKind.CENTER, parent=w.hub, is_hub=True
    )
    unit = OrgUnit.objects.create(name="石岛住建办", code="rc-sd-zj", kind=UnitKind.DEPARTMENT, parent=county)
    operator = w.person("sd_operator", "石岛话务员", (county, Role.OPERATOR))
    dispatcher = w.person("sd_dispatcher", "石岛派单员", (county, Role.DISPATCHER))
    handler = w.person("sd_handler", "石岛承办人", (unit, Role.HANDLER))
    return county, (unit, operator, dispatcher, handler)


def _county_orders(w: World, county: OrgUnit, staff: Any) -> list[Any]:
    unit, operator, dispatcher, handler = staff
    orders = []
    with at(t(4)):
        for category, area in ((w.cat_noise, w.area_village), (w.cat_potholes, w.area_town)):
            order = w.new_order(actor=operator, hub=county, category=category, area=area)
            order = actions.send_to_hub(order, actor=operator)
            order = actions.dispatch(order, actor=dispatcher, lead_unit=unit)
            orders.append(actions.sign_for(order, actor=handler))
    return orders


def _counts(figures: list[dict[str, rollups.RolledFigure]]) -> dict[str, tuple[float, int | None]]:
    """The counts behind the figures, added up (several rows: a node and those below it)."""
    return {
        code: (
            round(sum(f[code].numerator for f in figures), 6),
            None if figures[0][code].denominator is None else sum(f[code].denominator or 0 for f in figures),
        )
        for code in figures[0]
    }


def _assert_by_hub_category_and_area(w: World, hubs: list[OrgUnit], now: dt.datetime) -> None:
    for hub in hubs:
        for group, model, grain in (("category", Category, "hub_cat"), ("area", Area, "hub_area")):
            # The grain the dashboard's breakdowns within a hub read.
            assert rollups._selection(Filters(hub=hub), group, None)[:2] == (DailyRollup, grain)
            for days in PERIODS:
                rows = rollups.figures(days, Filters(hub=hub), group=group, level=3, now=now)
                # (March and the year hold orders of both hubs; a single day may hold none.)
                assert [key for key in rows if key is not None] or days not in PERIODS[:2], (hub, group, days)
                for key in (key for key in rows if key is not None):
                    filters = Filters(hub=hub, **{group: model.objects.get(pk=key)})
                    assert_equal(days, filters, now)  # this hub's and node's orders, counted
                    # The node's line and those of the nodes below it hold what its filter does.
                    below = _descendants(model, key, None)
                    lines = [figs for k, figs in rows.items() if k in below]
                    alone = rollups.total(days, filters, now=now)
                    assert _counts([alone]) == _counts(lines), (hub, group, key, days)


def _assert_grains_sum_the_full_rows() -> None:
    """Every coarser row of both rollups, day and month rows, is the sum of its full rows."""
    plans: list[tuple[Any, dict[str, tuple[str, ...]], dict[str, tuple[str, ...]], tuple[str, ...]]] = [
        (DailyRollup, GRAINS, rollups.MONTH_GRAINS, ()),
        (TopicDailyRollup, TOPIC_GRAINS, rollups.TOPIC_MONTH_GRAINS, ("topic_id",)),
    ]
    for model, grains, months, extra in plans:
        full = list(model.objects.filter(grain="full").values("day", *DIMS, *extra, *SUMS))
        assert full, model
        for grain, dims in grains.items():
            if grain == "full":
                continue
            keyed = (*dims, *extra)
            for prefix, day_of in (("", lambda d: d), (rollups.MONTHLY, lambda d: d.replace(day=1))):
                if prefix and grain not in months:
                    continue
                expected: dict[tuple[Any, ...], dict[str, float]] = defaultdict(lambda: dict.fromkeys(SUMS, 0))
                for row in full:
                    target = expected[(day_of(row["day"]), *(row[d] for d in keyed))]
                    for name in SUMS:
                        target[name] += row[name]
                stored = {
                    (row["day"], *(row[d] for d in keyed)): {name: round(row[name], 6) for name in SUMS}
                    for row in model.objects.filter(grain=prefix + grain).values("day", *keyed, *SUMS)
                }
                where = (model.__name__, prefix + grain)
                assert stored == {key: {n: round(v, 6) for n, v in sums.items()} for key, sums in expected.items()}, (
                    where
                )


def test_a_hubs_figures_by_category_and_area_equal_a_recount(w: World) -> None:
    build_scenario(w)
    county, staff = _lower_hub(w)
    county_orders = _county_orders(w, county, staff)
    with at(t(4, 12)):
        w.signed(topics=[w.topic_epidemic], category=w.cat_noise)
    now = t(30, 12, month=4)
    with at(now):
        rollups.run_rollup_sweep()  # the first sweep builds everything
    _assert_grains_sum_the_full_rows()
    _assert_by_hub_category_and_area(w, [w.hub, county], now)

    # Changes taken in by the next sweeps: a reply in the county, a new order of the city.
    handler = staff[-1]
    with at(t(1, 9, month=5)):
        actions.reply(county_orders[0], actor=handler, result="solved", text="已处理。")
        w.signed(category=w.cat_noise, area=w.area_village)
    later = t(1, 12, month=5)
    with at(later):
        assert rollups.run_rollup_sweep() == 2
    _assert_grains_sum_the_full_rows()
    _assert_by_hub_category_and_area(w, [w.hub, county], later)
