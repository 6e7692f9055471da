"""A file with a fault on most rows: each is refused on its own line, naming the column and
the reason in the user's language; the good rows come in, and no refused order leaves a trace."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from civicdesk.exchange.importing import Rejected, import_orders
from civicdesk.exchange.mapping import MapError, load_map
from civicdesk.orders.models import Assignment, OrderEvent, WorkOrder
from civicdesk.orders.workflow import State
from tests.world import World

FILES = Path(__file__).resolve().parent / "files"
ERRORS = FILES / "errors.csv"


def test_it_refuses_each_bad_row_with_its_line_column_and_reason(w: World) -> None:
    report = import_orders(ERRORS, load_map("shandong"), w.hub)
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
    reasons = {r.line: r.reason for r in report.rejected}
    assert reasons[3] == "缺少工单编号"
    assert reasons[4] == "无法识别的时间“2025-13-45 09:00:00”（应为 2026-03-01 09:30:00）"
    assert reasons[5] == "没有这个单位：不存在的局"
    assert reasons[6].startswith("“飞鸽传书”不是可用的取值（可用：12345热线电话、网站")
    assert reasons[7] == "答复时间早于受理时间"
    assert reasons[8] == "有回访结果却没有答复"
    assert reasons[9] == "工单编号在文件中重复"
    assert reasons[10] == "标题超过 200 个字"
    assert reasons[11] == "电话号码格式不正确（只能包含数字、空格和连字符）。"
    assert reasons[12] == "不能超过 2000 个字（现有 2001 个）。"
    states = dict(WorkOrder.objects.values_list("number", "state"))
    assert states == {
        "H2025030300001": State.CLOSED,
        "H2025030300012": State.RECEIVED,
        "H2025030300013": State.DISPATCHED,
        "H2025030300014": State.ANSWERED,
    }
    assert report.imported == 4


def test_an_order_refused_half_way_through_its_moves_leaves_nothing(w: World) -> None:
    # Line 12 was created, dispatched, signed, replied and accepted in memory before its
    # callback was refused: none of it may reach the database.
    import_orders(ERRORS, load_map("shandong"), w.hub)
    assert not WorkOrder.objects.filter(number="H2025030300011").exists()
    kept = set(WorkOrder.objects.values_list("pk", flat=True))
    assert set(OrderEvent.objects.values_list("order_id", flat=True)) == kept
    assert set(Assignment.objects.values_list("order_id", flat=True)) <= kept
    closed = WorkOrder.objects.get(number="H2025030300001")
    assert list(closed.events.values_list("action", flat=True)) == [
        "create",
        "send_to_hub",
        "dispatch",
        "sign",
        "reply",
        "accept_reply",
        "record_callback",
    ]


def test_the_command_reports_in_english_when_asked(w: World, tmp_path: Path) -> None:
    out = StringIO()
    report_file = tmp_path / "rejected.csv"
    call_command(
        "import_orders",
        str(ERRORS),
        mapping="shandong",
        hub="rc-hub",
        language="en",
        report=str(report_file),
        stdout=out,
        stderr=StringIO(),
    )
    text = out.getvalue()
    assert "Line 3 [工单编号]: the order number is missing" in text
    assert "Line 5 [承办单位]: no such unit: 不存在的局" in text
    assert "Imported 4 orders, skipped 0 already imported, rejected 10 rows." in text
    assert "civicdesk rebuild_rollups recomputes them at once" in text
    lines = report_file.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == "Row,Column,Order number,Reason"
    assert len(lines) == 11


def test_a_map_or_file_that_cannot_be_used_imports_nothing(w: World, tmp_path: Path) -> None:
    bad_map = tmp_path / "bad.toml"
    bad_map.write_text('[columns]\nnumber = "编号"\nwhen = "时间"\n', encoding="utf-8")
    with pytest.raises(MapError, match="未知的字段：when"):
        load_map(bad_map)
    with pytest.raises(CommandError, match=r"只能导入 \.xlsx 或 \.csv 文件"):
        call_command("import_orders", str(bad_map), mapping="shandong", hub="rc-hub", stdout=StringIO())
    other = tmp_path / "other.csv"
    other.write_text("编号,时间\n1,2025-03-03 09:00:00\n", encoding="utf-8")
    report = import_orders(other, load_map("shandong"), w.hub)
    assert report.rejected[0] == Rejected(1, "工单编号", "文件中没有这一列")
    assert not WorkOrder.objects.exists()
