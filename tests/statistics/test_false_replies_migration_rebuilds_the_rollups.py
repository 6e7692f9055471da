"""Upgrading a center whose rollups were built before they counted 虚假答复 (the callbacks that
ordered rework): the migration that adds the counter leaves it at zero in the rows already there
and has the next sweep rebuild the orders' rollups, after which the figure counts the callbacks
recorded before the upgrade. The call rollups, which have no such counter, are not rebuilt."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from civicdesk.statistics import rollups
from civicdesk.statistics.measures import Period, measure
from civicdesk.statistics.models import RollupState
from tests.statistics.helpers import at, t
from tests.world import World

BEFORE = [("statistics", "0010_rollup_hub_category_area_and_month_grains")]
MARCH = rollups.Days(t(1).date(), t(31).date())


def _migrate(targets: list[tuple[str, str]]) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


@pytest.mark.django_db(transaction=True)
def test_the_next_sweep_rebuilds_the_order_rollups_with_the_callbacks_already_there(w: World) -> None:
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes("statistics")
    with at(t(2)):
        w.rework()
        rollups.run_rollup_sweep()
        RollupState.objects.create(name="call_rollups", built_at=t(2), swept_at=t(2))
    _migrate(BEFORE)
    try:
        _migrate(latest)
    finally:
        _migrate(latest)  # leave the schema as the other tests expect it
    assert RollupState.objects.get(name="rollups").built_at is None
    assert RollupState.objects.get(name="call_rollups").built_at == t(2)
    with at(t(3)):
        assert rollups.total(MARCH, codes=["false_replies"])["false_replies"].numerator == 0  # not counted yet
        rollups.run_rollup_sweep()
        rolled = rollups.total(MARCH, codes=["false_replies"])["false_replies"]
        live = measure("false_replies", Period(t(1), t(1, month=4)))
    assert rolled.numerator == live.numerator == 1
    assert RollupState.objects.get(name="rollups").built_at == t(3)
