"""Writing user text into spreadsheets as text, never as a formula (OWASP "CSV injection").

A citizen's title "=HYPERLINK(...)" or a name "@SUM(...)" is what they typed, and a staff
member opening the export must see exactly that. openpyxl turns any string starting with "="
into a formula cell; Excel, LibreOffice and WPS also evaluate "+", "-", "@" and, in CSV, a
leading tab or carriage return. So:

- in .xlsx every string goes in as a string cell (data type "s", the value unchanged); one
  starting with a formula character also gets Excel's quote prefix, so editing the cell keeps
  it text. Characters XML cannot hold (control characters) are dropped — openpyxl refuses them;
- in CSV (no cell types) such a string is prefixed with an apostrophe, as OWASP advises.

Every export the project writes builds its rows with :func:`row` (xlsx) or :func:`csv_row`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils.functional import Promise
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def risky(value: str) -> bool:
    return value.startswith(FORMULA_START)


def text_cell(sheet: Any, value: str) -> Cell:
    """A string cell holding `value` as typed (for a normal or a write-only sheet)."""
    value = ILLEGAL_CHARACTERS_RE.sub("", value)
    cell = Cell(sheet, row=1, column=1, value=value)
    cell.data_type = "s"  # not "f" (a leading "="), not "e" (a text such as "#N/A")
    if risky(value):
        cell.quotePrefix = True
    return cell


def row(sheet: Any, values: Iterable[Any]) -> list[Any]:
    """A row for `sheet.append`: strings (lazy translations too) as text cells, the rest as is."""
    out: list[Any] = []
    for value in values:
        if isinstance(value, str | Promise):
            out.append(text_cell(sheet, str(value)))
        else:
            out.append(value)
    return out


def csv_value(value: Any) -> Any:
    if isinstance(value, str) and risky(value):
        return "'" + value
    return value


def csv_row(values: Iterable[Any]) -> list[Any]:
    return [csv_value(v) for v in values]
