from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from civicdesk.knowledge.excel import export_articles
from civicdesk.knowledge.models import Article, ArticleStatus
from tests.knowledge.helpers import FUND, published

HEADER = ["标题", "适用问题", "答复口径", "诉求分类", "责任单位", "政策依据", "生效日期", "失效日期", "下次复核日期"]


def _sheet(rows: list[list[object]]) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEADER)
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


ROWS: list[list[object]] = [
    ["路灯不亮的报修", "路灯坏了找谁", "市政路灯由城管局维护。", "", "rc-zj", "", "2026-01-01", "", ""],
    ["", "", "没有标题的行", "", "rc-zj", "", "", "", ""],
    ["单位不存在", "", "答复", "", "no-such-unit", "", "", "", ""],
    ["日期不对", "", "答复", "", "rc-zj", "", "明年", "", ""],
    ["失效早于生效", "", "答复", "", "rc-zj", "", "2026-05-01", "2026-04-01", ""],
    ["路灯不亮的报修", "", "重复的行", "", "rc-zj", "", "", "", ""],
    [
        "噪声投诉",
        "晚上施工吵；装修噪音",
        "夜间施工噪声向生态环境分局举报。",
        "c-hj-zs",
        "市生态环境分局",
        "",
        "",
        "",
        "",
    ],
]


@pytest.mark.django_db
class TestExcelImport:
    def test_the_command_reports_each_rejected_row_and_the_totals_last(self, w, tmp_path: Path, capsys):
        path = tmp_path / "articles.xlsx"
        path.write_bytes(_sheet(ROWS))
        call_command("import_articles", str(path))
        lines = capsys.readouterr().out.strip().splitlines()
        assert lines[-1] == "imported 2, rejected 5"
        assert [line.split(":")[0] for line in lines[:-1]] == ["row 3", "row 4", "row 5", "row 6", "row 7"]
        assert "缺少标题" in lines[0] and "no-such-unit" in lines[1] and "明年" in lines[2]
        noise = Article.objects.get(title="噪声投诉")
        assert noise.status == ArticleStatus.DRAFT and noise.owner_unit == w.dept_c
        assert noise.question_list() == ["晚上施工吵", "装修噪音"]
        assert noise.category == w.cat_noise
        assert noise.versions.get().action == "import"

    def test_the_page_shows_the_report_and_limits_the_units(self, w, client):
        client.force_login(w.handler_a)
        upload = SimpleUploadedFile("a.xlsx", _sheet(ROWS))
        page = client.post("/knowledge/import/", {"file": upload}).content.decode()
        assert "导入 1 条，拒绝 6 行" in page  # the environment bureau's row is not the handler's to import
        assert "您无权为“市生态环境分局”导入条目" in page

    def test_a_file_that_is_not_a_workbook_is_refused_clearly(self, w, client):
        client.force_login(w.handler_a)
        page = client.post("/knowledge/import/", {"file": SimpleUploadedFile("a.xlsx", b"not excel")})
        assert "无法读取文件" in page.content.decode()

    def test_an_export_imports_back(self, w, tmp_path: Path, capsys):
        published(w, *FUND)
        data = export_articles(Article.objects.all())
        Article.objects.all().delete()
        path = tmp_path / "back.xlsx"
        path.write_bytes(data)
        call_command("import_articles", str(path))
        assert capsys.readouterr().out.strip().splitlines()[-1] == "imported 1, rejected 0"
        assert Article.objects.get().answer == FUND[1]
