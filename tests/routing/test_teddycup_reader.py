"""The Teddy Cup readers: CSV and XLSX, both label column names, the category tree."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

import pytest

from civicdesk.text.teddycup import (
    Message,
    TeddyCupFormatError,
    labelled,
    read_messages,
    read_taxonomy,
)

HEADER_FENLEI = ["留言编号", "留言用户", "留言主题", "留言时间", "留言详情", "一级分类"]
HEADER_BIAOQIAN = ["留言编号", "留言用户", "留言主题", "留言时间", "留言详情", "一级标签"]
ROWS = [
    [
        "24",
        "A00074011",
        "A市西湖建筑集团占道施工有安全隐患",
        "2020/1/6 12:09:38",
        "\n\t\t\t\t\t\n\t\t\t\t\tA3区大道西行便道\u3000",
        "城乡建设",
    ],
    ["37", "A000107866", "咨询A市公积金提取", "2017-06-08 17:31:20", "请问怎么提取？", "劳动和社会保障"],
    ["38", "U0001196", "只有主题没有详情", "2020/1/6 12:09:38", "", ""],
]


def write_xlsx(path: Path, header: list[str], rows: Sequence[Sequence[object]], trailing_empty: int = 0) -> Path:
    import openpyxl  # type: ignore[import-untyped]

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    for _ in range(trailing_empty):
        sheet.append([None] * len(header))
    # a formatted but empty cell far below, as in the real 附件2
    sheet.cell(row=len(rows) + trailing_empty + 20, column=1).number_format = "0"
    workbook.save(path)
    return path


def write_csv(path: Path, header: list[str], rows: list[list[str]], encoding: str = "utf-8-sig") -> Path:
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


@pytest.mark.parametrize("header", [HEADER_FENLEI, HEADER_BIAOQIAN], ids=["一级分类", "一级标签"])
@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_reads_both_label_columns_in_csv_and_xlsx(tmp_path: Path, header: list[str], kind: str) -> None:
    path = tmp_path / f"messages.{kind}"
    if kind == "xlsx":
        write_xlsx(path, header, ROWS, trailing_empty=5)
    else:
        write_csv(path, header, ROWS)

    messages = read_messages(path)

    assert [m.message_id for m in messages] == ["24", "37", "38"]
    first = messages[0]
    assert first.title == "A市西湖建筑集团占道施工有安全隐患"
    assert first.detail == "A3区大道西行便道"  # scraping whitespace and \u3000 stripped
    assert first.label == "城乡建设"
    assert first.text == "A市西湖建筑集团占道施工有安全隐患\nA3区大道西行便道"
    assert messages[1].label == "劳动和社会保障"
    assert messages[2].label is None
    assert messages[2].text == "只有主题没有详情"
    assert [m.message_id for m in labelled(messages)] == ["24", "37"]


def test_csv_in_gb18030_and_without_label_column(tmp_path: Path) -> None:
    header = ["留言编号", "留言主题", "留言详情"]
    path = write_csv(tmp_path / "unlabelled.csv", header, [["1", "噪音扰民", "楼下酒吧很吵"]], encoding="gb18030")

    (message,) = read_messages(path)

    assert message == Message("1", "", "噪音扰民", "楼下酒吧很吵", "", None)


def test_xlsx_numbers_are_read_as_text(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "n.xlsx", HEADER_FENLEI, [[188006, "U1", "主题", "2019/2/28", "详情", "环境保护"]])

    (message,) = read_messages(path)

    assert message.message_id == "188006"


def test_rejects_a_file_without_text_columns(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "other.csv", ["a", "b"], [["1", "2"]])
    with pytest.raises(TeddyCupFormatError, match="留言主题"):
        read_messages(path)


def test_rejects_unknown_extension(tmp_path: Path) -> None:
    path = tmp_path / "x.json"
    path.write_text("{}")
    with pytest.raises(TeddyCupFormatError, match="unsupported"):
        read_messages(path)


def test_reads_the_taxonomy(tmp_path: Path) -> None:
    rows: list[list[str | None]] = [
        ["城乡建设", "安全生产", "事故处理"],
        ["城乡建设", "其他", "其他"],
        ["环境保护", "环境污染", "噪音污染"],
        ["交通运输", "交通运输", None],
    ]
    path = write_xlsx(tmp_path / "附件1.xlsx", ["一级分类", "二级分类", "三级分类"], rows)

    leaves = read_taxonomy(path)

    assert [leaf.path for leaf in leaves] == [
        ("城乡建设", "安全生产", "事故处理"),
        ("城乡建设", "其他", "其他"),
        ("环境保护", "环境污染", "噪音污染"),
        ("交通运输", "交通运输", ""),
    ]


DATA = Path(__file__).resolve().parents[3] / "shared" / "data" / "tipdm2020_c_smart_gov"


def test_reads_the_real_attachments() -> None:
    if not DATA.is_dir():
        pytest.skip(f"real Teddy Cup data not available: {DATA} (../shared/data/tipdm2020_c_smart_gov) not found")
    messages = read_messages(DATA / "附件2_示例数据_495.xlsx")
    assert len(messages) == 495
    assert len({m.label for m in messages}) == 7
    assert all(m.title and not m.detail.startswith(("\n", "\t")) for m in messages)
    leaves = read_taxonomy(DATA / "附件1.xlsx")
    assert len(leaves) == 517
    assert len({leaf.level1 for leaf in leaves}) == 15


def test_csv_cells_may_hold_newlines_and_commas(tmp_path: Path) -> None:
    rows = [
        ["1", "U1", "主题, 带逗号", "2020/1/1", "第一行\n第二行，“引号”", "环境保护"],
        ["2", "U2", "第二条", "", "x", "城乡建设"],
    ]
    path = write_csv(tmp_path / "multi.csv", HEADER_BIAOQIAN, rows)

    messages = read_messages(path)

    assert [m.label for m in messages] == ["环境保护", "城乡建设"]
    assert messages[0].title == "主题, 带逗号"
    assert messages[0].detail == "第一行\n第二行，“引号”"
