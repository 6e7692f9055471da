"""重复来电 is decided when an order is taken and kept on it (WorkOrder.repeat_call): 重复来电率,
its list and the rollups show the same repeat calls as the definition (the same number on the
same matter within the days before), whatever the path that took the orders and in whatever
order they were recorded, and the migration marks the orders taken before the flag existed."""

from __future__ import annotations

import datetime as dt
import importlib
import random
import re
from datetime import datetime, timedelta
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection
from django.test import Client, override_settings

from civicdesk.catalogue.models import Category
from civicdesk.demo.bulk import BulkEngine
from civicdesk.orders import clock
from civicdesk.orders.actions import void
from civicdesk.orders.models import WorkOrder
from civicdesk.statistics import rollups
from civicdesk.statistics.measures import Period, measure
from tests.statistics.helpers import at, t
from tests.world import World

DAYS = 7
WINDOW = timedelta(days=DAYS)
MARCH_APRIL = Period(t(1, 0), t(1, 0, month=5))
MARCH_APRIL_DAYS = rollups.Days(dt.date(2026, 3, 1), dt.date(2026, 4, 30))
PHONES = ("13800001234", "13900005678", "13700009012", "")


def _drill_numbers(w: World, period: str) -> set[str]:
    client = Client()
    client.force_login(w.leader)
    html = client.get(f"/stats/orders/?{period}&code=repeat_call_rate&part=numerator").content.decode()
    return set(re.findall(r'href="/orders/(\d+)/"', html))


def _by_definition() -> set[int]:
    """The repeat calls as the definition reads, worked out here over every order (not by the
    code under test): a caller's earlier order on the same category, or on a category under the
    same parent, taken less than the window before."""
    orders = list(WorkOrder.objects.select_related("category"))
    found = set()
    for o in orders:
        if not o.citizen_phone or o.category is None:
            continue
        for e in orders:
            if e.citizen_phone != o.citizen_phone or e.category is None:
                continue
            matter = e.category_id == o.category_id or (
                o.category.parent_id is not None and e.category.parent_id == o.category.parent_id
            )
            if matter and o.created_at - WINDOW <= e.created_at < o.created_at:
                found.add(o.pk)
    return found


@override_settings(CIVICDESK_REPEAT_CALL_DAYS=DAYS)
def test_a_second_call_within_the_days_is_a_repeat_and_one_after_them_is_not(w: World) -> None:
    with clock.running_at(t(2)):
        w.new_order()
    with clock.running_at(t(5)):
        again = w.new_order()  # three days later: a repeat call
    with clock.running_at(t(20)):
        late = w.new_order()  # fifteen days after the last: not one
    with clock.running_at(t(21)):
        other_caller = w.new_order(citizen_phone="13900009999")

    with at(t(25)):
        figure = measure("repeat_call_rate", Period(t(1, 0), t(1, 0, month=4)))
        listed = _drill_numbers(w, "period=month&date=2026-03-10")

    assert (again.repeat_call, late.repeat_call, other_caller.repeat_call) == (True, False, False)
    assert figure.numerator_ids == (again.pk,)
    assert figure.denominator == 4
    assert listed == {again.number}


@override_settings(CIVICDESK_REPEAT_CALL_DAYS=DAYS)
def test_an_earlier_call_recorded_late_makes_the_next_call_a_repeat(w: World) -> None:
    with clock.running_at(t(10)):
        later = w.new_order()
    assert not WorkOrder.objects.get(pk=later.pk).repeat_call
    with clock.running_at(t(8)):
        w.new_order()  # the same caller two days before, recorded only now (history)

    assert WorkOrder.objects.get(pk=later.pk).repeat_call
    with at(t(25)):
        assert measure("repeat_call_rate", Period(t(1, 0), t(1, 0, month=4))).numerator_ids == (later.pk,)


def _random_calls(w: World, rng: random.Random, count: int) -> list[tuple[datetime, dict[str, object]]]:
    """Calls of a few numbers over two months on matters that are the same, related (one parent)
    or unrelated, some without a number or a category."""
    sibling = Category.objects.create(name="道路积水", code="c-cj-dl-js", parent=w.cat_roads)
    matters = [w.cat_potholes, sibling, w.cat_roads, w.cat_noise, None]
    calls = []
    for _ in range(count):
        moment = t(1) + timedelta(minutes=rng.randrange(60 * 24 * 58))
        calls.append((moment, {"citizen_phone": rng.choice(PHONES), "category": rng.choice(matters)}))
    return calls


@pytest.mark.parametrize("seed", [1, 2])
@override_settings(CIVICDESK_REPEAT_CALL_DAYS=DAYS)
def test_the_figure_is_the_definitions_whatever_order_the_calls_are_recorded_in(w: World, seed: int) -> None:
    rng = random.Random(seed)
    calls = _random_calls(w, rng, 60)
    rng.shuffle(calls)  # history recorded late among the calls of the day
    orders = []
    for moment, fields in calls:
        with clock.running_at(moment):
            orders.append(w.new_order(**fields))
    with clock.running_at(t(1, month=5)):
        void(orders[0], actor=w.dispatcher, reason="测试来电")  # left out of the figure, still an earlier call
    expected = _by_definition()

    with at(t(2, month=5)):
        rollups.rebuild()
        figure = measure("repeat_call_rate", MARCH_APRIL)
        rolled = rollups.total(MARCH_APRIL_DAYS, now=t(2, month=5), codes=["repeat_call_rate"])["repeat_call_rate"]

    assert set(WorkOrder.objects.filter(repeat_call=True).values_list("pk", flat=True)) == expected
    assert expected, "the seed makes no repeat call: pick another"
    assert set(figure.numerator_ids) == expected - {orders[0].pk}
    assert (rolled.numerator, rolled.denominator) == (figure.numerator, figure.denominator)


@override_settings(CIVICDESK_REPEAT_CALL_DAYS=DAYS)
def test_the_bulk_demo_marks_the_repeat_calls_the_definition_finds(w: World) -> None:
    calls = sorted(_random_calls(w, random.Random(3), 60), key=lambda call: call[0])
    with clock.running_at(t(1) - timedelta(days=2)):
        before = w.new_order()  # in the database before the engine starts: its window reaches it
    engine = BulkEngine(batch_size=7, threaded=False)
    for moment, fields in calls:
        engine.create(moment, actor=w.operator, channel="phone", request_type="complaint", **_texts(), **fields)
    engine.close()

    expected = _by_definition()
    assert expected - {before.pk}
    assert set(WorkOrder.objects.filter(repeat_call=True).values_list("pk", flat=True)) == expected


def _texts() -> dict[str, str]:
    return {"title": "崖头街道人民路路面坑洼", "content": "人民路与成山大道交叉口南侧路面有多处坑洼，请尽快修复。"}


@override_settings(CIVICDESK_REPEAT_CALL_DAYS=DAYS)
def test_the_migration_marks_the_repeat_calls_taken_before_the_flag(w: World, monkeypatch: pytest.MonkeyPatch) -> None:
    for moment, fields in _random_calls(w, random.Random(4), 40):
        with clock.running_at(moment):
            w.new_order(**fields)
    expected = _by_definition()
    WorkOrder.objects.update(repeat_call=False)  # as the column comes: no order marked
    migration = importlib.import_module("civicdesk.orders.migrations.0020_order_repeat_call")

    monkeypatch.setattr(migration, "BATCH", 7)  # several ranges of ids, as at millions of orders

    migration.mark_repeat_calls(apps, SimpleNamespace(connection=connection))

    assert expected
    assert set(WorkOrder.objects.filter(repeat_call=True).values_list("pk", flat=True)) == expected
