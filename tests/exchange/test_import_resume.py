"""An import stopped half-way is run again: what came in is skipped by its original number,
the rest comes in, and no order is there twice."""

from __future__ import annotations

from pathlib import Path

from civicdesk.exchange.importing import import_orders
from civicdesk.exchange.mapping import load_map
from civicdesk.orders.models import OrderEvent, WorkOrder
from tests.world import World

ERRORS = Path(__file__).resolve().parent / "files" / "errors.csv"


def test_running_again_skips_what_was_imported_and_finishes_the_rest(w: World) -> None:
    first = import_orders(ERRORS, load_map("shandong"), w.hub, limit=3)  # stopped after three rows
    assert (first.imported, first.skipped) == (1, 0)
    events = OrderEvent.objects.count()
    second = import_orders(ERRORS, load_map("shandong"), w.hub)
    # Line 9 repeats line 2's number: now that number is in the database, it is skipped too.
    assert (second.imported, second.skipped, len(second.rejected)) == (3, 2, 9)
    third = import_orders(ERRORS, load_map("shandong"), w.hub)
    assert (third.imported, third.skipped) == (0, 5)
    numbers = list(WorkOrder.objects.values_list("number", flat=True))
    assert len(numbers) == len(set(numbers)) == 4
    # The order of the first run was not touched again.
    first_order = WorkOrder.objects.get(number="H2025030300001")
    assert first_order.events.count() == 7 and OrderEvent.objects.count() > events
