"""Citizen and staff text is written as text in every spreadsheet the project writes: no cell
of any export is a formula, each string cell reads exactly as typed (OWASP CSV injection).
The last test keeps a new export from skipping the shared helper."""

from __future__ import annotations

import io
import re
from pathlib import Path

from django.test import Client
from openpyxl import load_workbook

from civicdesk.enterprises.excel import export_enterprises
from civicdesk.enterprises.models import Enterprise
from civicdesk.knowledge.excel import export_articles
from civicdesk.knowledge.models import Article
from civicdesk.lib.spreadsheet import csv_row
from civicdesk.orders.models import WorkOrder
from civicdesk.statistics import rollups
from civicdesk.statistics.exports import orders_workbook
from tests.knowledge.helpers import published
from tests.statistics.helpers import at, t
from tests.world import World

HOSTILE = [
    '=HYPERLINK("http://127.0.0.1:8802/x","点我")',
    "=cmd|' /C calc'!A0",
    "+1+1",
    "-2+3",
    "@SUM(1,1)",
    "\t=1+1",
    "\r=1+1",
    "#N/A",
]


def _strings(content: bytes) -> list[str]:
    """Every string cell of every sheet; fails on any formula or non-string text cell."""
    book = load_workbook(io.BytesIO(content))
    found: list[str] = []
    for sheet in book.worksheets:
        for line in sheet.iter_rows():
            for cell in line:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate} is a formula: {cell.value!r}"
                if isinstance(cell.value, str):
                    assert cell.data_type == "s", (cell.coordinate, cell.value, cell.data_type)
                    found.append(cell.value)
    return found


def _hostile_orders(w: World) -> None:
    with at(t(2)):
        for n, text in enumerate(HOSTILE):
            w.signed(title=text, citizen_name=text, citizen_phone=f"1380000{n:04d}", urgency="urgent")


def test_order_exports_keep_titles_and_names_as_text(w: World) -> None:
    w.dept_a.name = "=cmd|' /C calc'!A0"
    w.dept_a.save()
    _hostile_orders(w)
    with at(t(20, 12)):
        rollups.run_rollup_sweep()
        for user in (w.leader, w.dispatcher):  # masked names ("=*****") and full ones
            client = Client()
            client.force_login(user)
            response = client.get("/stats/export/orders/?period=month&date=2026-03-10&code=accepted")
            assert response.status_code == 200
            strings = _strings(response.content)
            stored = set(WorkOrder.objects.values_list("title", flat=True))  # (leading whitespace is trimmed)
            assert len(stored) == len(HOSTILE) - 1 and stored <= set(strings)  # the titles, exactly as stored
            assert "=cmd|' /C calc'!A0" in strings  # the unit's name
        client = Client()
        client.force_login(w.leader)
        for table in ("overview", "ranking", "overdue_by_unit", "by_category"):
            response = client.get(f"/stats/export/table/?period=month&date=2026-03-10&table={table}")
            assert response.status_code == 200
            _strings(response.content)
    background = orders_workbook(w.leader, WorkOrder.objects.all(), "=export title")
    assert "=export title" in _strings(background)


def test_knowledge_export_keeps_text(w: World) -> None:
    article = published(w, "=1+1 路灯", "@SUM(A1) 答复", questions=["-3+4"])
    strings = _strings(export_articles(Article.objects.filter(pk=article.pk)))
    assert {"=1+1 路灯", "@SUM(A1) 答复"} <= set(strings)


def test_enterprise_export_keeps_text(db: None) -> None:
    Enterprise.objects.create(
        name='=HYPERLINK("x")有限公司',
        credit_code="91370000MA3C5XXXXX",  # 18 characters; the export does not check the code
        address="+86 成山大道",
        contact_name="@王",
        contact_phone="13800138000",
    )
    strings = _strings(export_enterprises())
    assert {'=HYPERLINK("x")有限公司', "+86 成山大道", "@王"} <= set(strings)


def test_csv_cells_are_prefixed() -> None:
    assert csv_row(["=1+1", "+1", "-1", "@x", "\tx", "\rx", "ok", 5]) == [
        "'=1+1",
        "'+1",
        "'-1",
        "'@x",
        "'\tx",
        "'\rx",
        "ok",
        5,
    ]


def test_every_writer_uses_the_shared_helper() -> None:
    """Rows appended to a sheet go through spreadsheet.row; CSV rows through csv_row (the call
    may be wrapped onto the next line)."""
    source = Path(__file__).resolve().parents[2] / "civicdesk"
    offenders = []
    for path in source.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        if "openpyxl" in text:
            offenders += [
                f"{path}:{m.group(0)}" for m in re.finditer(r"\b(ws|sheet)\.append\(\s*+(?!spreadsheet\.row\()", text)
            ]
        offenders += [f"{path}:{m.group(0)}" for m in re.finditer(r"\.writerows?\(\s*+(?!csv_row\()(?!\[\")", text)]
    assert offenders == []
