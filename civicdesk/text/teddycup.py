"""Readers for the Teddy Cup 2020 "智慧政务" file layouts (CSV or XLSX).

Pure code (no Django): the routing evaluation command and the benchmarks read the
competition attachments through these functions and get plain dataclasses back.

Message files (附件2/3/4, 测试数据) have one header row; the columns used here are
留言编号, 留言用户, 留言主题 (title), 留言时间, 留言详情 (detail) and the first-level label
in 一级标签 or 一级分类 (either name; empty cells mean "unlabelled"). The taxonomy file
(附件1) has the columns 一级分类, 二级分类, 三级分类.

XLSX files are opened with openpyxl in read_only mode; their sheets often claim tens of
thousands of empty formatted rows, so rows whose cells are all empty are skipped.
CSV files (comma-separated, Excel quoting; .tsv tab-separated) are decoded as UTF-8
(with or without BOM), falling back to GB18030.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

TITLE_COLUMN = "留言主题"
DETAIL_COLUMN = "留言详情"
ID_COLUMN = "留言编号"
USER_COLUMN = "留言用户"
TIME_COLUMN = "留言时间"
LABEL_COLUMNS: tuple[str, ...] = ("一级标签", "一级分类")
LIKES_COLUMN = "点赞数"
DISLIKES_COLUMN = "反对数"
TAXONOMY_COLUMNS: tuple[str, str, str] = ("一级分类", "二级分类", "三级分类")


class TeddyCupFormatError(ValueError):
    """The file does not have the columns of the Teddy Cup layout."""


@dataclass(frozen=True, slots=True)
class Message:
    """One citizen message. ``label`` is ``None`` when the file has no label for it."""

    message_id: str
    user: str
    title: str
    detail: str
    time: str
    label: str | None
    # 点赞数 / 反对数 where the file has them (附件3), else 0.
    likes: int = 0
    dislikes: int = 0

    @property
    def text(self) -> str:
        """Title and detail joined, the input of the classifier."""
        return f"{self.title}\n{self.detail}" if self.detail else self.title


@dataclass(frozen=True, slots=True)
class TaxonomyLeaf:
    """One row of the three-level category tree (附件1)."""

    level1: str
    level2: str
    level3: str

    @property
    def path(self) -> tuple[str, str, str]:
        return (self.level1, self.level2, self.level3)


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def clean_cell(text: str) -> str:
    """Strip the scraping whitespace (newlines, tabs, full-width spaces) around a cell."""
    return text.replace("\u3000", " ").replace("\xa0", " ").strip()


def _iter_xlsx_rows(path: Path) -> Iterator[list[str]]:
    # openpyxl loads only when a workbook is read (CSV and the product never need it).
    import openpyxl

    workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        sheet = workbook.worksheets[0]
        for row in sheet.iter_rows(values_only=True):
            yield [_cell(value) for value in row]
    finally:
        workbook.close()


def _decode(raw: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise TeddyCupFormatError("CSV file is neither UTF-8 nor GB18030 text")


def _iter_csv_rows(path: Path) -> Iterator[list[str]]:
    text = _decode(path.read_bytes())
    # Excel-style CSV (comma, double quotes; quoted cells may hold newlines); .tsv is tab-separated.
    delimiter = "\t" if path.suffix.lower() == ".tsv" else ","
    yield from csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)


def iter_rows(path: str | Path) -> Iterator[list[str]]:
    """Yield every row of the first sheet (XLSX) or of the CSV file as strings."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in {".xlsx", ".xlsm"}:
        yield from _iter_xlsx_rows(path)
    elif suffix in {".csv", ".tsv", ".txt"}:
        yield from _iter_csv_rows(path)
    else:
        raise TeddyCupFormatError(f"{path.name}: unsupported file type {suffix!r} (use .csv or .xlsx)")


def _header_index(header: Sequence[str]) -> dict[str, int]:
    index: dict[str, int] = {}
    for position, name in enumerate(header):
        key = clean_cell(name)
        if key and key not in index:
            index[key] = position
    return index


def _non_empty(rows: Iterable[list[str]]) -> Iterator[list[str]]:
    for row in rows:
        if any(cell.strip() for cell in row):
            yield row


def read_messages(path: str | Path) -> list[Message]:
    """Read a message file in the Teddy Cup layout.

    Text comes from 留言主题 and 留言详情 (at least one of them must exist); the label from
    一级标签 or 一级分类 when the file has such a column.
    """
    rows = _non_empty(iter_rows(path))
    header = next(rows, None)
    if header is None:
        raise TeddyCupFormatError(f"{Path(path).name}: the file is empty")
    index = _header_index(header)
    if TITLE_COLUMN not in index and DETAIL_COLUMN not in index:
        raise TeddyCupFormatError(
            f"{Path(path).name}: no {TITLE_COLUMN} or {DETAIL_COLUMN} column; header is {list(header)!r}"
        )
    label_position = next((index[name] for name in LABEL_COLUMNS if name in index), None)

    def get(row: list[str], position: int | None) -> str:
        if position is None or position >= len(row):
            return ""
        return clean_cell(row[position])

    def count(row: list[str], name: str) -> int:
        value = get(row, index.get(name))
        try:
            return max(int(float(value)), 0) if value else 0
        except ValueError:
            return 0

    messages: list[Message] = []
    for row in rows:
        title = get(row, index.get(TITLE_COLUMN))
        detail = get(row, index.get(DETAIL_COLUMN))
        if not title and not detail:
            continue
        label = get(row, label_position) or None
        messages.append(
            Message(
                message_id=get(row, index.get(ID_COLUMN)),
                user=get(row, index.get(USER_COLUMN)),
                title=title,
                detail=detail,
                time=get(row, index.get(TIME_COLUMN)),
                label=label,
                likes=count(row, LIKES_COLUMN),
                dislikes=count(row, DISLIKES_COLUMN),
            )
        )
    return messages


def read_taxonomy(path: str | Path) -> list[TaxonomyLeaf]:
    """Read the category tree (附件1): one leaf per row, empty lower levels kept as ""."""
    rows = _non_empty(iter_rows(path))
    header = next(rows, None)
    if header is None:
        raise TeddyCupFormatError(f"{Path(path).name}: the file is empty")
    index = _header_index(header)
    if TAXONOMY_COLUMNS[0] not in index:
        raise TeddyCupFormatError(f"{Path(path).name}: no {TAXONOMY_COLUMNS[0]} column; header is {list(header)!r}")
    positions = [index.get(name) for name in TAXONOMY_COLUMNS]
    leaves: list[TaxonomyLeaf] = []
    for row in rows:
        values = [clean_cell(row[p]) if p is not None and p < len(row) else "" for p in positions]
        if not values[0]:
            continue
        leaves.append(TaxonomyLeaf(values[0], values[1], values[2]))
    return leaves


def labelled(messages: Iterable[Message]) -> list[Message]:
    """The messages that carry a label."""
    return [m for m in messages if m.label]
