"""Orders out in a provincial platform's columns and back in with the same map: the same
orders (numbers, times, units, replies, callbacks, states), for both shipped formats."""

from __future__ import annotations

from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction

from civicdesk.exchange.importing import import_orders
from civicdesk.exchange.mapping import load_map
from civicdesk.orders import actions
from civicdesk.orders.models import WorkOrder
from tests.statistics.helpers import at, t
from tests.world import World

KEPT = (
    "number",
    "created_at",
    "channel",
    "request_type",
    "urgency",
    "title",
    "content",
    "address",
    "citizen_name",
    "citizen_phone",
    "lead_unit__code",
    "state",
    "dispatched_at",
    "signed_at",
    "handle_due_at",
    "reply_result",
    "reply_text",
    "replied_at",
    "accepted_at",
    "callback_solved",
    "callback_satisfaction",
    "closed_at",
    "answer_text",
)


class _Undo(Exception):
    pass


def _orders(w: World) -> None:
    with at(t(2, 9)):
        w.closed(title='=HYPERLINK("http://example.com","点我")', channel="web", request_type="help")
        w.answered(request_type="enquiry", citizen_phone="0631-7561234")
        actions.dispatch(w.new_order(urgency="urgent"), actor=w.dispatcher, lead_unit=w.town)
        w.signed(address="-1层车库")
        w.replied()
        w.new_order(content="+86 的号码打不通，请回电")
    with at(t(3, 10, 17)):
        w.awaiting_callback(request_type="complaint")
        order = actions.accept_reply(w.replied(), actor=w.dispatcher)
    with at(t(5, 15, 42)):
        actions.close_without_callback(order, actor=w.callback_agent, reason="三次回访电话均无人接听")
        with_comment = w.awaiting_callback()
        actions.record_callback(
            with_comment, actor=w.callback_agent, solved="partly", satisfaction="basically", comment="路面已修好一半"
        )


def _snapshot() -> list[dict[str, Any]]:
    return list(WorkOrder.objects.order_by("number").values(*KEPT))


@pytest.mark.parametrize(("mapping", "suffix"), [("shandong", ".xlsx"), ("guangdong", ".csv")])
def test_export_then_import_gives_the_same_orders(w: World, tmp_path: Path, mapping: str, suffix: str) -> None:
    out = tmp_path / f"orders{suffix}"
    try:
        with transaction.atomic():
            _orders(w)
            before = _snapshot()
            call_command("export_orders", str(out), mapping=mapping, hub="rc-hub", stdout=StringIO())
            raise _Undo  # the orders go; only the file is left
    except _Undo:
        pass
    assert not WorkOrder.objects.exists() and len(before) == 9
    report = import_orders(out, load_map(mapping), w.hub)
    assert (report.imported, report.rejected) == (9, [])
    assert _snapshot() == before
    callback = WorkOrder.objects.get(callback_solved="partly").events.get(action="record_callback")
    assert callback.note == "路面已修好一半"


def test_the_provincial_formats_write_their_own_columns_and_values(w: World, tmp_path: Path) -> None:
    with at(t(2, 9)):
        order = w.closed(channel="web", request_type="help")
    out = tmp_path / "guangdong.csv"
    call_command("export_orders", str(out), mapping="guangdong", stdout=StringIO())
    header, row = out.read_text(encoding="utf-8-sig").splitlines()
    assert header.startswith("GDBH,SLSJ,SLQD,SQLX,JJCD,SQBT")
    assert row.startswith(f"{order.number},2026-03-02T09:00:00,02,2,1,")
    out = tmp_path / "shandong.xlsx"
    call_command("export_orders", str(out), mapping="shandong", stdout=StringIO())
    from openpyxl import load_workbook

    sheet = load_workbook(out).worksheets[0]
    values = {h.value: c.value for h, c in zip(sheet[1], sheet[2], strict=True)}
    assert values["受理渠道"] == "网站" and values["诉求类型"] == "求助" and values["承办单位"] == "市住房和城乡建设局"
    assert values["回访满意度"] == "满意" and values["受理时间"] == "2026-03-02 09:00:00"
