"""Several processes importing one file side by side (PostgreSQL) give what one process gives."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.db import connection

from civicdesk.exchange.importing import import_orders
from civicdesk.exchange.mapping import load_map
from civicdesk.orders.models import OrderEvent, WorkOrder
from tests.world import build_world

ERRORS = Path(__file__).resolve().parent / "files" / "errors.csv"


@pytest.mark.django_db(transaction=True)
def test_two_processes_import_what_one_would() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the parallel import forks processes that write with COPY: PostgreSQL only")
    w = build_world()
    report = import_orders(ERRORS, load_map("shandong"), w.hub, workers=2)
    assert report.imported == 4
    assert [(r.line, r.column) for r in report.rejected] == [
        (3, "工单编号"),
        (4, "受理时间"),
        (5, "承办单位"),
        (6, "受理渠道"),
        (7, "答复时间"),
        (8, "回访满意度"),
        (9, "工单编号"),
        (10, "诉求标题"),
        (11, "联系电话"),
        (12, "回访意见"),
    ]
    numbers = set(WorkOrder.objects.values_list("number", flat=True))
    assert numbers == {"H2025030300001", "H2025030300012", "H2025030300013", "H2025030300014"}
    assert set(OrderEvent.objects.values_list("order_id", flat=True)) == set(
        WorkOrder.objects.values_list("pk", flat=True)
    )
    again = import_orders(ERRORS, load_map("shandong"), w.hub, workers=2)
    # The processes' shares are told apart first: a number twice in the file stays refused as such.
    assert (again.imported, again.skipped, len(again.rejected)) == (0, 4, 10)
