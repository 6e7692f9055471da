"""BulkEngine must leave exactly the rows the real actions leave.

The same Simulation (same seed, same moments) runs once through ActionEngine and once
through BulkEngine on the same starting database; every order must come out with the same
state, deadlines, counters, assignments, events and outbox rows. A change to an action
that BulkEngine does not mirror shows up here as a readable diff.
"""

from __future__ import annotations

import difflib
import pprint
import random
from collections import Counter
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import models, transaction

from civicdesk.demo.bulk import BulkEngine
from civicdesk.demo.city import City, build_city
from civicdesk.demo.history import ActionEngine, Engine, Simulation, creation_times
from civicdesk.notifications.models import OutboxMessage
from civicdesk.orders.models import Assignment, OrderEvent, OrderNumberCounter, WorkOrder

pytestmark = pytest.mark.django_db

SEED = 1
ORDERS = 200
# A fixed "now", so the history (and this test) is the same on every day it runs.
NOW = datetime(2026, 6, 3, 16, 20, tzinfo=ZoneInfo("Asia/Shanghai"))
# Every move the Simulation makes; the seed above was picked so that the run shows them all.
SIMULATED_ACTIONS = {
    "create", "answer", "void", "transfer_out", "merge", "send_to_hub", "dispatch", "request_return",
    "approve_return", "sign", "give_part", "sub_dispatch", "supervise", "request_suspension", "approve_suspension",
    "resume", "request_extension", "approve_extension", "refuse_extension", "reply", "send_back_reply",
    "accept_reply", "record_callback", "close_without_callback",
}
_ORDER_SKIP = {"id", "parent"}
_ASSIGNMENT_SKIP = {"id", "order", "parent"}


def _run(city: City, engine: Engine) -> list[int]:
    rng = random.Random(SEED)
    simulation = Simulation(city, engine, rng, NOW)
    ids = [simulation.run(moment).pk for moment in creation_times(rng, ORDERS, NOW)]
    if isinstance(engine, BulkEngine):
        engine.close()
    return ids


def _values(obj: models.Model, skip: set[str]) -> dict[str, Any]:
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields if f.name not in skip}


def _shapes(ids: list[int]) -> list[dict[str, Any]]:
    """Each order as plain data, with database ids replaced by what they stand for."""
    orders = WorkOrder.objects.in_bulk(ids)
    number_of = dict(WorkOrder.objects.values_list("pk", "number"))
    shapes = []
    for order_id in ids:
        order = orders[order_id]
        assignments = list(Assignment.objects.filter(order=order).order_by("pk"))
        position = {a.pk: i for i, a in enumerate(assignments)}
        events = list(OrderEvent.objects.filter(order=order).order_by("seq"))
        outbox = list(OutboxMessage.objects.filter(order=order).select_related("event"))
        shape = _values(order, _ORDER_SKIP)
        shape["parent"] = number_of.get(order.parent_id)
        shape["topics"] = sorted(order.topics.values_list("code", flat=True))
        shape["assignments"] = [
            {**_values(a, _ASSIGNMENT_SKIP), "parent": position.get(a.parent_id)} for a in assignments
        ]
        shape["events"] = []
        for event in events:
            data = dict(event.data)
            if event.action == "merge":
                data["parent"] = number_of.get(data["parent"])
            shape["events"].append({
                "seq": event.seq, "action": event.action, "from": event.from_state, "to": event.to_state,
                "actor": event.actor_id, "acting_unit": event.acting_unit_id, "at": event.at, "note": event.note,
                "data": data,
            })
        # Recipients come from an unordered query in the real outbox; compare them as a set.
        shape["outbox"] = sorted(
            (m.event.seq, m.medium, m.user_id or 0, m.address, m.template, m.text, m.status, m.read_at is None)
            for m in outbox
        )
        shapes.append(shape)
    return shapes


def _diff(expected: dict[str, Any], actual: dict[str, Any]) -> str:
    left = pprint.pformat(expected, width=110, sort_dicts=True).splitlines()
    right = pprint.pformat(actual, width=110, sort_dicts=True).splitlines()
    return "\n".join(difflib.unified_diff(left, right, "ActionEngine", "BulkEngine", lineterm="", n=2))


def test_bulk_engine_writes_what_the_actions_write() -> None:
    city = build_city()
    counters_before = OrderNumberCounter.objects.count()

    savepoint = transaction.savepoint()
    real_ids = _run(city, ActionEngine())
    expected = _shapes(real_ids)
    transaction.savepoint_rollback(savepoint)
    assert not WorkOrder.objects.exists()
    assert OrderNumberCounter.objects.count() == counters_before

    bulk_ids = _run(city, BulkEngine(batch_size=37))
    actual = _shapes(bulk_ids)

    seen = Counter(event["action"] for shape in expected for event in shape["events"])
    missing = SIMULATED_ACTIONS - set(seen)
    assert not missing, f"the seed no longer exercises {sorted(missing)}; pick another SEED or more ORDERS"

    assert len(actual) == len(expected)
    differing = [i for i, (a, b) in enumerate(zip(expected, actual, strict=True)) if a != b]
    if differing:
        shown = "\n\n".join(
            f"order #{i} ({expected[i]['number']}, {expected[i]['state']}):\n{_diff(expected[i], actual[i])}"
            for i in differing[:3]
        )
        pytest.fail(f"{len(differing)} of {len(expected)} orders differ between the engines:\n\n{shown}")

    # Same totals row for row, and the counters the next order number comes from.
    assert OutboxMessage.objects.count() == sum(len(s["outbox"]) for s in expected)
    assert OrderEvent.objects.count() == sum(len(s["events"]) for s in expected)
    assert dict(OrderNumberCounter.objects.values_list("day", "last")) == {
        day: max(int(s["number"][-5:]) for s in expected if s["number"].startswith(f"{day:%Y%m%d}"))
        for day in OrderNumberCounter.objects.values_list("day", flat=True)
    }
