"""Boston 311 history in: every case keeps its number, times, department and closure, and
counts in the statistics; the on-time verdict matches the city's own flag."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from civicdesk.exchange.importing import import_orders
from civicdesk.exchange.mapping import load_map
from civicdesk.orders.models import DeadlineStatus, WorkOrder
from civicdesk.orders.workflow import State
from civicdesk.statistics.measures import Filters, Period, measure
from civicdesk.statistics.rollups import Days, figures, run_rollup_sweep
from tests.exchange.data import boston_org, boston_rows, write_csv

BOSTON_TZ = ZoneInfo("America/New_York")
pytestmark = pytest.mark.django_db


def _time(text: str) -> dt.datetime:
    return dt.datetime.strptime(text, "%m/%d/%Y %I:%M:%S %p").replace(tzinfo=BOSTON_TZ)


def test_it_imports_boston_cases_as_they_were(tmp_path: Path) -> None:
    rows = boston_rows(per_file=6)
    hub = boston_org(rows)
    report = import_orders(write_csv(tmp_path / "boston.csv", rows), load_map("boston311"), hub)
    # The city's file has open cases with a closure reason but no closing time: each is
    # refused on its own line, naming the column, and the rest come in.
    inconsistent = [r for r in rows if r["CLOSURE_REASON"].strip() and not r["CLOSED_DT"]]
    assert [(r.number, r.column, r.reason) for r in report.rejected] == [
        (r["CASE_ENQUIRY_ID"], "CLOSED_DT", "有答复内容却没有答复时间") for r in inconsistent
    ]
    assert (report.imported, report.skipped) == (len(rows) - len(inconsistent), 0)
    orders = {o.number: o for o in WorkOrder.objects.select_related("lead_unit")}
    assert len(orders) == report.imported
    for row in rows:
        if row in inconsistent:
            assert row["CASE_ENQUIRY_ID"] not in orders
            continue
        order = orders[row["CASE_ENQUIRY_ID"]]
        assert order.created_at == _time(row["OPEN_DT"])
        assert order.lead_unit is not None and order.lead_unit.code == row["Department"]
        if row["TARGET_DT"]:
            assert order.handle_due_at == _time(row["TARGET_DT"])
        if row["CLOSED_DT"]:
            assert order.state == State.CLOSED
            assert order.replied_at == order.closed_at == _time(row["CLOSED_DT"])
            assert order.reply_text == (row["CLOSURE_REASON"].strip() or "Case closed.")
            if row["TARGET_DT"] and row["OnTime_Status"] in ("ONTIME", "OVERDUE"):
                expected = DeadlineStatus.ON_TIME if row["OnTime_Status"] == "ONTIME" else DeadlineStatus.OVERDUE
                assert order.deadline_status() == expected, row["CASE_ENQUIRY_ID"]
        else:
            assert order.state == State.DISPATCHED


def test_imported_cases_count_in_the_statistics(tmp_path: Path) -> None:
    rows = boston_rows(per_file=3)
    hub = boston_org(rows)
    rows = [r for r in rows if r["CLOSED_DT"] or not r["CLOSURE_REASON"].strip()]
    assert import_orders(write_csv(tmp_path / "boston.csv", rows), load_map("boston311"), hub).rejected == []
    year = Period(dt.datetime(2015, 1, 1, tzinfo=BOSTON_TZ), dt.datetime(2016, 1, 1, tzinfo=BOSTON_TZ))
    assert measure("accepted", year).value == len(rows)
    closed = sum(1 for r in rows if r["CLOSED_DT"] and _time(r["CLOSED_DT"]) < year.end)  # type: ignore[operator]
    assert measure("handling_time", year).denominator == closed
    # The dashboard's rollups take the imported history in like any other moves.
    run_rollup_sweep()
    rolled = figures(Days(dt.date(2015, 1, 1), dt.date(2015, 12, 31)), Filters(), codes=["accepted"])[None]
    assert rolled["accepted"].numerator == len(rows)
    prop = hub.children.get(code="PROP")
    assert measure("accepted", year, Filters(lead_unit=prop)).value == sum(1 for r in rows if r["Department"] == "PROP")
