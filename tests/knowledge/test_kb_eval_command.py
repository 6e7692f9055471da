from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest
from django.core.management import call_command

from civicdesk.knowledge.models import Article

PAIRS = [
    ("暖气不热怎么办", "家里暖气不热", "您好，供暖期内室温不低于18℃，暖气不热可拨打热电公司电话报修。"),
    ("公积金提取买房", "想取公积金买房", "您好，购买自住住房可在两年内申请提取住房公积金。"),
    ("垃圾分类投放", "小区垃圾没人分类", "您好，生活垃圾分四类，定时定点投放。"),
]


def _xlsx(path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["留言编号", "留言主题", "留言详情", "答复意见"])
    for i, (title, detail, reply) in enumerate(PAIRS):
        ws.append([i, title, detail, reply])
    wb.save(path)


@pytest.mark.django_db
@pytest.mark.parametrize("extra", [[], ["--with-message"], ["--rank", "db"], ["--engine", "memory"]])
def test_it_prints_recall_at_5_last_and_leaves_the_database_as_it_was(w, tmp_path: Path, extra):
    path = tmp_path / "pairs.xlsx"
    _xlsx(path)
    out = io.StringIO()
    call_command("kb_eval", "--pairs", str(path), *extra, stdout=out)
    lines = out.getvalue().strip().splitlines()
    assert lines[-1] == "recall@5 1.0000"
    assert "recall@1" in out.getvalue()
    assert not Article.objects.exists()
