"""`civicdesk import-enterprises FILE.xlsx`: one line per rejected row, the count last."""

from __future__ import annotations

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from civicdesk.enterprises.models import Enterprise
from tests.enterprises.helpers import code, corrupt_check, write_xlsx

pytestmark = pytest.mark.django_db


def _run(path: Path) -> list[str]:
    out = StringIO()
    call_command("import_enterprises", str(path), stdout=out)
    return out.getvalue().splitlines()


def test_output_lists_rejected_rows_then_the_count_last(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "firms.xlsx",
        [
            ["甲公司", code(1), "荣成市", "制造业", "王海", "13800138000"],
            ["乙公司", corrupt_check(code(2)), "", "", "", ""],
            ["", code(3), "", "", "", ""],
            ["丙公司", code(4), "", "", "", ""],
            ["甲公司分号", code(1), "", "", "", ""],
        ],
    )
    lines = _run(path)
    assert lines[-1] == "imported 2, rejected 3"
    rejected = [line for line in lines if line.startswith("第")]
    assert len(rejected) == 3
    assert rejected[0].startswith("第3行（乙公司）：") and "校验位错误" in rejected[0]
    assert rejected[1].startswith("第4行：") and "企业名称不能为空" in rejected[1]
    assert rejected[2].startswith("第6行（甲公司分号）：") and "与第2行重复" in rejected[2]
    assert Enterprise.objects.count() == 2


def test_a_clean_file_prints_only_the_counts(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "firms.xlsx", [["甲公司", code(1)], ["乙公司", code(2)]])
    assert _run(path) == ["created 2, updated 0, unchanged 0", "imported 2, rejected 0"]
    assert _run(path)[-1] == "imported 2, rejected 0", "re-importing counts the rows again, adds none"
    assert Enterprise.objects.count() == 2


def test_an_unreadable_file_is_a_command_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(CommandError, match="无法读取"):
        _run(path)
    assert not Enterprise.objects.exists()


def _shell(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    return subprocess.run([sys.executable, "-m", "civicdesk", *args], env=env, capture_output=True, text=True)


def test_exit_status_is_zero_with_rejected_rows(tmp_path: Path) -> None:
    # The real entry point, in a subprocess, on its own SQLite database.
    assert _shell(tmp_path, "migrate", "--noinput").returncode == 0
    path = write_xlsx(tmp_path / "firms.xlsx", [["甲公司", code(1)], ["乙公司", corrupt_check(code(2))]])
    done = _shell(tmp_path, "import-enterprises", str(path))
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "imported 1, rejected 1"


@pytest.mark.parametrize("content", [b"plain text", None])
def test_an_unreadable_file_exits_non_zero_without_traceback(tmp_path: Path, content: bytes | None) -> None:
    path = tmp_path / "firms.xlsx"
    if content is not None:
        path.write_bytes(content)
    done = _shell(tmp_path, "import-enterprises", str(path))
    assert done.returncode != 0
    assert ("无法读取" if content else "文件不存在") in done.stderr
    assert str(path) in done.stderr
    assert "Traceback" not in done.stderr
    assert done.stdout == ""
