"""Measures come in from Excel: good rows are saved (by 政策编号, again without duplicates),
bad rows are reported with their row number and reason, in the user's language."""

from __future__ import annotations

from io import BytesIO, StringIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from openpyxl import Workbook

from civicdesk.policies.excel import import_policies
from civicdesk.policies.models import Policy
from tests.console.helpers import client_for, text
from tests.world import World

pytestmark = pytest.mark.django_db
HEADER = [
    "政策编号",
    "政策名称",
    "发布单位",
    "能享受什么",
    "谁可以申请",
    "适用行业",
    "适用规模",
    "适用区域",
    "截止日期",
    "从业人数至少",
]
GOOD = [
    "RC-01",
    "科技型中小企业研发费用补助",
    "市科技局",
    "按研发投入10%补助，最高50万元。",
    "科技型中小企业。",
    "C、I",
    "小型 微型",
    "崖头街道",
    "2027-12-31",
    "5",
]


def _book(*rows: list[object]) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(HEADER)
    for row in rows:
        ws.append(row)
    buf = BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_good_rows_are_saved_and_bad_rows_reported(w: World) -> None:
    data = _book(
        GOOD,
        ["RC-02", "", "市商务局", "补贴", "企业"],
        ["RC-03", "外贸稳岗", "市商务局", "补贴", "企业", "Z"],
        ["RC-04", "展会补贴", "市商务局", "补贴", "企业", "", "巨型", "不存在镇", "明年"],
        GOOD,
    )

    report = import_policies(BytesIO(data), actor=w.dispatcher)

    policy = Policy.objects.get(code="RC-01")
    assert policy.industries == ["C", "I"] and policy.sizes == ["micro", "small"]
    assert list(policy.areas.all()) == [w.area_town] and policy.min_employees == 5
    assert report.created == 1
    reasons = {r.row: r.reason for r in report.rejected}
    assert "请填写政策名称" in reasons[3]
    assert "适用行业“Z”不是国民经济行业门类" in reasons[4]
    assert "适用规模“巨型”无法识别" in reasons[5] and "适用区域“不存在镇”不存在" in reasons[5]
    assert "截止日期“明年”不是有效日期" in reasons[5]
    assert "与第2行重复" in reasons[6]
    assert Policy.objects.count() == 1


def test_importing_the_same_file_again_changes_nothing(w: World, tmp_path: Path) -> None:
    path = tmp_path / "policies.xlsx"
    path.write_bytes(_book(GOOD))
    import_policies(str(path), actor=None)
    lines = StringIO()
    call_command("import_policies", str(path), stdout=lines)

    assert "created 0, changed 0, unchanged 1, rejected 0" in lines.getvalue()
    assert Policy.objects.get(code="RC-01").revision == 1


def test_the_import_page_lists_the_rejected_rows(w: World) -> None:
    upload = SimpleUploadedFile("p.xlsx", _book(GOOD, ["RC-09", "名称", "单位", "", "企业"]))

    response = client_for(w.dispatcher).post("/policies/import/", {"file": upload})

    assert response.status_code == 200
    page = text(response)
    assert "新增 1 条" in page and "拒绝 1 行" in page
    assert "RC-09" in page and "请用通俗的话写明能享受什么" in page


def test_a_file_that_is_not_a_workbook_is_refused_in_english_too(w: World) -> None:
    upload = SimpleUploadedFile("p.xlsx", b"not a workbook")
    client = client_for(w.dispatcher)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})

    response = client.post("/policies/import/", {"file": upload})

    assert response.status_code == 400
    assert "Cannot read the file" in text(response)
