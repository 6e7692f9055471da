"""Orders out, in the columns an upstream platform prescribes (a column map, mapping.py).

The file holds what the map names, with the values the map gives (渠道 "12345热线" for
phone, or a code "01"), times in the map's zone and first date format, units by code (or by
name where the map says unit_names). Read back with the same map, it gives the same orders
(tests/exchange/test_export_round_trip.py). Text goes in through the formula-safe writers
(civicdesk.lib.spreadsheet): a title "=HYPERLINK(…)" stays the text it is.

It writes callers' names and numbers in full: it is an exchange between the center and its
platform, run by an administrator (`civicdesk export-orders`), not a report for readers.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from civicdesk.exchange.mapping import DATETIMES, ColumnMap
from civicdesk.lib import spreadsheet
from civicdesk.lib.spreadsheet import csv_row
from civicdesk.orders.models import OrderEvent, WorkOrder


class ExportError(ValueError):
    pass


def _headers(cmap: ColumnMap) -> list[tuple[str, str]]:
    """(column, field) in the map's order; a column two fields share is written from the first."""
    seen: set[str] = set()
    out = []
    for name, column in cmap.columns.items():
        if column not in seen:
            seen.add(column)
            out.append((column, name))
    return out


def _callbacks(orders: list[WorkOrder]) -> dict[int, tuple[dt.datetime, str]]:
    """Each order's latest callback: when, and what the citizen said (the event's note)."""
    found: dict[int, tuple[dt.datetime, str]] = {}
    events = OrderEvent.objects.filter(order__in=orders, action="record_callback").order_by("order_id", "seq")
    for order_id, at, note in events.values_list("order_id", "at", "note"):
        found[order_id] = (at, note)
    return found


def order_values(order: WorkOrder, callback: tuple[dt.datetime, str] | None, cmap: ColumnMap) -> dict[str, Any]:
    """The fields of a map for one order, as the file writes them."""

    def moment(value: dt.datetime | None) -> str:
        return value.astimezone(cmap.timezone).strftime(cmap.date_formats[0]) if value else ""

    unit = order.lead_unit
    values: dict[str, Any] = {
        "number": order.number,
        "channel": cmap.file_value("channel", order.channel),
        "request_type": cmap.file_value("request_type", order.request_type),
        "urgency": cmap.file_value("urgency", order.urgency),
        "title": order.title,
        "content": order.content,
        "address": order.address,
        "area": cmap.file_value("area", order.area.code) if order.area else "",
        "category": cmap.file_value("category", order.category.code) if order.category else "",
        "latitude": str(order.latitude) if order.latitude is not None else "",
        "longitude": str(order.longitude) if order.longitude is not None else "",
        "citizen_name": order.citizen_name,
        "citizen_phone": order.citizen_phone,
        "upstream_platform": order.upstream_platform,
        "upstream_id": order.upstream_id,
        "answer_text": order.answer_text,
        "lead_unit": (unit.name if cmap.unit_names else cmap.file_value("lead_unit", unit.code)) if unit else "",
        "reply_result": cmap.file_value("reply_result", order.reply_result) if order.reply_result else "",
        "reply_text": order.reply_text,
        "callback_solved": cmap.file_value("callback_solved", order.callback_solved) if callback else "",
        "callback_satisfaction": (
            cmap.file_value("callback_satisfaction", order.callback_satisfaction) if callback else ""
        ),
        "callback_comment": callback[1] if callback else "",
    }
    times: dict[str, dt.datetime | None] = {
        "created_at": order.created_at,
        "dispatched_at": order.dispatched_at if unit else None,
        "signed_at": order.signed_at if unit else None,
        "handle_due_at": order.handle_due_at if unit else None,
        "replied_at": order.replied_at,
        "accepted_at": order.accepted_at if order.replied_at else None,
        "callback_at": callback[0] if callback else None,
        "closed_at": order.closed_at,
    }
    values.update({name: moment(times[name]) for name in DATETIMES})
    return values


def rows(orders: QuerySet[WorkOrder], cmap: ColumnMap) -> Iterator[list[Any]]:
    headers = _headers(cmap)
    chunk: list[WorkOrder] = []
    for order in orders.select_related("lead_unit", "area", "category").order_by("created_at", "pk").iterator(2000):
        chunk.append(order)
        if len(chunk) == 2000:
            yield from _chunk_rows(chunk, headers, cmap)
            chunk = []
    yield from _chunk_rows(chunk, headers, cmap)


def _chunk_rows(chunk: list[WorkOrder], headers: list[tuple[str, str]], cmap: ColumnMap) -> Iterator[list[Any]]:
    callbacks = _callbacks(chunk) if chunk else {}
    for order in chunk:
        values = order_values(order, callbacks.get(order.pk), cmap)
        yield [values[name] for _column, name in headers]


def export_orders(orders: QuerySet[WorkOrder], cmap: ColumnMap, path: str | Path) -> int:
    """Write `orders` to `path` (.xlsx or .csv) in the map's columns; the number written."""
    file = Path(path)
    header = [column for column, _name in _headers(cmap)]
    written = 0
    if file.suffix.lower() == ".csv":
        with file.open("w", encoding="utf-8-sig", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(csv_row(header))
            for row in rows(orders, cmap):
                writer.writerow(csv_row(row))
                written += 1
        return written
    if file.suffix.lower() != ".xlsx":
        raise ExportError(_("只能导出为 .xlsx 或 .csv 文件。"))
    # openpyxl loads only for a workbook.
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Sheet1")
    sheet.append(spreadsheet.row(sheet, header))
    for row in rows(orders, cmap):
        sheet.append(spreadsheet.row(sheet, row))
        written += 1
    book.save(file)
    return written
