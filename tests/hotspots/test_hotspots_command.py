"""`civicdesk hotspots --input FILE --top N` prints the hotspots of a message file, hottest
first, one a line; a row it cannot read is named, not dropped silently."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

DATA = Path(__file__).resolve().parent / "data" / "messages.csv"


def _run(*args: str) -> tuple[list[str], str]:
    out, err = StringIO(), StringIO()
    call_command("hotspots", *args, stdout=out, stderr=err)
    return [line for line in out.getvalue().splitlines() if not line.startswith("#")], err.getvalue()


def test_the_top_hotspots_of_a_teddy_cup_file(db: None) -> None:
    lines, err = _run("--input", str(DATA), "--top", "5")
    rows = [line.split("\t") for line in lines]
    assert [r[0] for r in rows] == ["1", "2"]  # two matters raised by several people; the rest are single
    _rank, heat, title, place, dates, messages, users = rows[0]
    assert "丽景小区" in title and "搅拌站" in title
    assert place == "丽景小区"
    assert dates == "2019-11-02–2019-11-20"
    assert (messages, users) == ("4", "3")
    assert float(heat) > float(rows[1][1])
    assert "金桂园小区" in rows[1][3] and (rows[1][5], rows[1][6]) == ("3", "3")
    assert "row 11" in err and "昨天下午" in err  # the unreadable time is reported


def test_top_limits_the_lines(db: None) -> None:
    lines, _err = _run("--input", str(DATA), "--top", "1")
    assert len(lines) == 1


def test_a_file_of_another_layout_is_refused_clearly(db: None, tmp_path: Path) -> None:
    other = tmp_path / "other.csv"
    other.write_text("编号,内容\n1,路灯坏了\n", encoding="utf-8")
    with pytest.raises(CommandError, match="留言主题"):
        _run("--input", str(other))
    with pytest.raises(CommandError, match="not found"):
        _run("--input", str(tmp_path / "missing.xlsx"))
