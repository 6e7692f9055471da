"""export_enterprises(): the same columns, and an exported file imports back unchanged."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

import pytest
from openpyxl import load_workbook

from civicdesk.enterprises.excel import COLUMNS, export_enterprises, import_enterprises
from civicdesk.enterprises.models import Enterprise, Industry
from tests.enterprises.helpers import BANK_OF_CHINA, TENCENT, code

pytestmark = pytest.mark.django_db

FIELDS = ("name", "credit_code", "address", "industry", "contact_name", "contact_phone")


def _register() -> list[tuple[str, ...]]:
    return list(Enterprise.objects.order_by("credit_code").values_list(*FIELDS))


def _seed() -> None:
    Enterprise.objects.create(
        name="阿里巴巴（中国）有限公司式的全角括号公司",
        credit_code=code(1),
        address="荣成市成山大道１号",
        industry=Industry.C,
        contact_name="王海",
        contact_phone="13800138000",
    )
    Enterprise.objects.create(name="腾讯科技（深圳）有限公司", credit_code=TENCENT, industry=Industry.I)
    Enterprise.objects.create(
        name="中国银行股份有限公司",
        credit_code=BANK_OF_CHINA,
        address="北京市西城区复兴门内大街1号",
        industry=Industry.J,
        contact_phone="0631-7561234",
    )
    Enterprise.objects.create(name="无行业企业", credit_code=code(2), contact_phone="4008108888")


def test_export_has_the_import_columns_and_text_cells() -> None:
    _seed()
    sheet = load_workbook(BytesIO(export_enterprises())).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == COLUMNS
    assert len(rows) == 1 + Enterprise.objects.count()
    by_code = {row[1]: row for row in rows[1:]}
    assert by_code[BANK_OF_CHINA] == (
        "中国银行股份有限公司",
        BANK_OF_CHINA,
        "北京市西城区复兴门内大街1号",
        "金融业",
        None,
        "0631-7561234",
        None,  # size, founding date, employees, last year's tax: unknown
        None,
        None,
        None,
    )
    assert all(isinstance(row[1], str) for row in rows[1:]), "codes must stay text, not numbers"


def test_export_then_import_changes_nothing(tmp_path: Path) -> None:
    _seed()
    before = _register()
    path = tmp_path / "export.xlsx"
    path.write_bytes(export_enterprises())

    report = import_enterprises(path)
    assert (report.created, report.updated, report.unchanged, report.rejected) == (0, 0, len(before), [])
    assert _register() == before

    Enterprise.objects.all().delete()
    report = import_enterprises(path)
    assert (report.created, report.rejected) == (len(before), [])
    assert _register() == before


def test_an_empty_register_exports_the_header_only() -> None:
    rows = list(load_workbook(BytesIO(export_enterprises())).worksheets[0].iter_rows(values_only=True))
    assert rows == [COLUMNS]
