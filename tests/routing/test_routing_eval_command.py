"""``routing-eval`` trains on several labelled files, scores messages it never saw (or
cross-validates over the development file with the training files always in training), and
prints per-class F1, the reliability table with its calibration error, and macro-F1 last."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

HEADER = ["留言编号", "留言主题", "留言详情", "一级分类"]
MATTERS = {
    "交通运输": ["公交车", "出租车", "道路拥堵", "地铁站", "红绿灯"],
    "环境保护": ["噪音扰民", "油烟污染", "污水排放", "垃圾焚烧", "粉尘污染"],
    "教育文体": ["学校收费", "幼儿园入学", "教师补课", "学生午餐", "体育馆开放"],
}
PLACES = ["东城", "西城", "南湖", "北山", "中心", "新区", "老街", "河口", "港口", "高新"]


def _write(path: Path, rows: list[tuple[str, str, str]]) -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    for i, (title, detail, label) in enumerate(rows):
        writer.writerow([str(i), title, detail, label])
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def _messages(places: list[str]) -> list[tuple[str, str, str]]:
    return [
        (f"{place}{matter}问题", f"{place}的{matter}问题一直没有解决，请{matter}相关部门处理。", label)
        for label, matters in MATTERS.items()
        for matter in matters
        for place in places
    ]


def _run(*args: str) -> list[str]:
    out = io.StringIO()
    call_command("routing_eval", *args, stdout=out)
    return out.getvalue().splitlines()


def test_several_training_files_and_a_test_file(tmp_path: Path) -> None:
    first = _write(tmp_path / "a.csv", _messages(PLACES[:3]))
    second = _write(tmp_path / "b.csv", _messages(PLACES[3:6]))
    test = _write(tmp_path / "dev.csv", _messages(PLACES[6:8]))

    lines = _run("--train", str(first), str(second), "--test", str(test))

    assert lines[0].startswith(f"train {2 * 15 * 3} labelled; test {2 * 15} labelled")
    assert re.fullmatch(r"macro-F1 (0|1)\.\d{4}", lines[-1])
    assert float(lines[-1].split()[1]) > 0.9  # the matters are told apart by their words
    assert {f"F1 {label}" for label in MATTERS} <= {" ".join(line.split()[:2]) for line in lines}
    assert any(re.fullmatch(r"ECE 0\.\d{4}", line) for line in lines)
    table = lines[lines.index("reliability (top class probability; held-out predictions):") + 2 :][:10]
    assert [row.split()[0] for row in table] == [f"{b / 10:.1f}–{(b + 1) / 10:.1f}" for b in range(10)]
    assert sum(int(row.split()[1]) for row in table) == 2 * 15


def test_cross_validation_keeps_the_training_files_in_training(tmp_path: Path) -> None:
    train = _write(tmp_path / "a.csv", _messages(PLACES[:2]))
    dev = _write(tmp_path / "dev.csv", _messages(PLACES[2:7]))

    lines = _run("--train", str(train), "--test", str(dev), "--cv", "2")

    assert len([line for line in lines if re.fullmatch(r"fold \d+: macro-F1 \d\.\d{4}", line)]) == 10
    summary = next(line for line in lines if line.startswith("2×5-fold CV on the test file"))
    assert "mean" in summary and "sd" in summary
    table = lines[lines.index("reliability (top class probability; held-out predictions):") + 2 :][:10]
    # every development message is scored once per repeat, never a training message
    assert sum(int(row.split()[1]) for row in table) == 2 * 5 * 15
    assert lines[-1].startswith("macro-F1 ")


def test_a_file_without_labels_is_refused_with_its_name(tmp_path: Path) -> None:
    train = _write(tmp_path / "a.csv", _messages(PLACES[:2]))
    unlabelled = _write(tmp_path / "u.csv", [(t, d, "") for t, d, _label in _messages(PLACES[2:3])])

    with pytest.raises(CommandError, match=r"u\.csv: no labelled messages"):
        _run("--train", str(train), "--test", str(unlabelled))
