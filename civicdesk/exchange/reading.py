"""Rows of a spreadsheet or CSV file, with the line each came from (the header is line 1)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from civicdesk.lib import spreadsheet

# Files exported by Chinese systems are often GB18030 (Excel's "CSV" on a Chinese Windows).
_ENCODINGS = ("utf-8-sig", "gb18030")


class FileError(ValueError):
    """The file cannot be read at all (nothing is imported)."""


def _cell(value: Any) -> Any:
    """A cell as text, except dates and times, which stay what the spreadsheet says they are."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime | dt.date):
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_rows(path: str | Path) -> tuple[list[str], Iterator[tuple[int, dict[str, Any]]]]:
    """(the header, the rows as (line, column → value)); blank rows are skipped."""
    file = Path(path)
    if not file.exists():
        raise FileError(_("找不到文件：%(path)s") % {"path": path})
    suffix = file.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _xlsx(file)
    if suffix in (".csv", ".txt"):
        return _csv(file)
    raise FileError(_("只能导入 .xlsx 或 .csv 文件。"))


def _xlsx(file: Path) -> tuple[list[str], Iterator[tuple[int, dict[str, Any]]]]:
    # openpyxl loads only for a workbook.
    from openpyxl import load_workbook

    try:
        book = load_workbook(file, read_only=True, data_only=True)
    except Exception as error:  # a damaged or mislabelled file: openpyxl raises many kinds
        raise FileError(_("无法读取Excel文件：%(error)s") % {"error": error}) from None
    sheet = book.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    first = next(rows, None)
    if first is None:
        raise FileError(_("文件是空的。"))
    header = [str(_cell(v)) for v in first]

    def body() -> Iterator[tuple[int, dict[str, Any]]]:
        for line, values in enumerate(rows, start=2):
            cells = [_cell(v) for v in values]
            if any(c != "" for c in cells):
                yield line, dict(zip(header, cells, strict=False))
        book.close()

    return header, body()


def _unguarded(value: str) -> str:
    """A CSV value as it was before the formula guard (civicdesk.lib.spreadsheet.csv_value)
    put an apostrophe before it: the exports' own files read back as they were written."""
    if value.startswith("'") and spreadsheet.risky(value[1:]):
        return value[1:]
    return value


def _csv(file: Path) -> tuple[list[str], Iterator[tuple[int, dict[str, Any]]]]:
    raw = file.read_bytes()
    for encoding in _ENCODINGS:
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise FileError(_("无法识别文件编码（应为 UTF-8 或 GB18030）。"))
    reader = csv.reader(io.StringIO(text, newline=""))
    first = next(reader, None)
    if first is None:
        raise FileError(_("文件是空的。"))
    header = [h.strip() for h in first]

    def body() -> Iterator[tuple[int, dict[str, Any]]]:
        for values in reader:
            line = reader.line_num
            if any(v.strip() for v in values):
                yield line, dict(zip(header, (_unguarded(v.strip()) for v in values), strict=False))

    return header, body()
