"""The register's workbook carries what support measures ask about a company — size,
founding date, employees, last year's tax: read in the forms registers use, a bad value
rejects its row with the reason (nothing rounded or guessed), and an export imports back
unchanged."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from io import BytesIO
from pathlib import Path

import pytest
import time_machine
from openpyxl import load_workbook

from civicdesk.enterprises.excel import COLUMNS, export_enterprises, import_enterprises
from civicdesk.enterprises.models import Enterprise, EnterpriseSize
from tests.enterprises.helpers import code, write_xlsx

pytestmark = pytest.mark.django_db

HEADER = ["企业名称", "统一社会信用代码", "企业规模", "成立日期", "从业人数", "上年纳税额（万元）"]
FIELDS = ("size", "founded_on", "employees", "annual_tax")


def _values(credit_code: str) -> tuple[object, ...]:
    return Enterprise.objects.values_list(*FIELDS).get(credit_code=credit_code)


def test_the_forms_registers_use_are_read(tmp_path: Path) -> None:
    rows = [
        ["甲公司", code(1), "小型", datetime(2015, 3, 1), 120, 35.5],
        ["乙公司", code(2), "medium", "2018/6/30", "86人", "1,234.56"],
        ["丙公司", code(3), "微型企业", "2021年10月8日", "9", "0"],
        ["丁公司", code(4), "", "", "", ""],
    ]
    report = import_enterprises(write_xlsx(tmp_path / "measures.xlsx", rows, header=HEADER))

    assert (report.created, report.rejected) == (4, [])
    assert _values(code(1)) == (EnterpriseSize.SMALL, date(2015, 3, 1), 120, Decimal("35.50"))
    assert _values(code(2)) == (EnterpriseSize.MEDIUM, date(2018, 6, 30), 86, Decimal("1234.56"))
    assert _values(code(3)) == (EnterpriseSize.MICRO, date(2021, 10, 8), 9, Decimal("0.00"))
    assert _values(code(4)) == ("", None, None, None)  # unknown, as matching reads it


@time_machine.travel(datetime(2026, 12, 6, 12), tick=False)
def test_bad_values_reject_their_row_with_the_reason(tmp_path: Path) -> None:
    rows = [
        ["好企业", code(1), "小型", "2015-03-01", 10, 1.5],  # row 2
        ["规模错", code(2), "超大型", "", "", ""],  # row 3
        ["日期错", code(3), "", "2015-02-30", "", ""],  # row 4
        ["未来成立", code(4), "", "2027-01-01", "", ""],  # row 5
        ["人数错", code(5), "", "", "十二", ""],  # row 6
        ["人数小数", code(6), "", "", 12.5, ""],  # row 7
        ["纳税负数", code(7), "", "", "", -3],  # row 8
        ["纳税三位小数", code(8), "", "", "", "1.234"],  # row 9
    ]
    report = import_enterprises(write_xlsx(tmp_path / "bad.xlsx", rows, header=HEADER))

    reasons = {rejected.row: rejected.reason for rejected in report.rejected}
    assert report.created == 1 and sorted(reasons) == [3, 4, 5, 6, 7, 8, 9]
    assert "企业规模“超大型”" in reasons[3]
    assert "成立日期“2015-02-30”不是日期" in reasons[4]
    assert "晚于今天" in reasons[5]
    assert "从业人数“十二”须为不小于0的整数" in reasons[6]
    assert "从业人数“12.5”" in reasons[7]
    assert "上年纳税额“-3”须为不小于0的数字" in reasons[8]
    assert "最多保留两位小数" in reasons[9]
    assert list(Enterprise.objects.values_list("name", flat=True)) == ["好企业"]


def test_an_empty_cell_empties_the_field_and_an_absent_column_leaves_it(tmp_path: Path) -> None:
    Enterprise.objects.create(
        name="甲公司", credit_code=code(1), founded_on=date(2015, 3, 1), employees=120, annual_tax=Decimal("35.5")
    )
    only_people = write_xlsx(tmp_path / "people.xlsx", [["甲公司", code(1), ""]], header=[*HEADER[:2], "从业人数"])
    assert import_enterprises(only_people).updated == 1
    assert _values(code(1)) == ("", date(2015, 3, 1), None, Decimal("35.50"))


def test_an_export_carries_the_fields_and_imports_back_unchanged(tmp_path: Path) -> None:
    Enterprise.objects.create(
        name="甲公司",
        credit_code=code(1),
        size=EnterpriseSize.SMALL,
        founded_on=date(2015, 3, 1),
        employees=120,
        annual_tax=Decimal("35.50"),
    )
    Enterprise.objects.create(name="乙公司", credit_code=code(2))
    exported = export_enterprises()
    rows = list(load_workbook(BytesIO(exported)).worksheets[0].iter_rows(values_only=True))
    assert rows[0] == COLUMNS
    first = dict(zip(COLUMNS, rows[1], strict=True))
    assert (first["企业规模"], first["成立日期"], first["从业人数"], first["上年纳税额（万元）"]) == (
        "小型",
        datetime(2015, 3, 1),
        120,
        35.5,
    )

    before = list(Enterprise.objects.order_by("credit_code").values_list(*FIELDS))
    path = tmp_path / "export.xlsx"
    path.write_bytes(exported)
    report = import_enterprises(path)
    assert (report.unchanged, report.updated, report.rejected) == (2, 0, [])
    Enterprise.objects.all().delete()
    assert import_enterprises(path).created == 2
    assert list(Enterprise.objects.order_by("credit_code").values_list(*FIELDS)) == before
