"""Import and export of the enterprise register as Excel workbooks (.xlsx, openpyxl).

Columns (found by their header, in any order, in one of the first rows of the first sheet
that has them): 企业名称, 统一社会信用代码 (both required), 地址, 行业, 联系人, 联系电话, and what
support measures ask about a company (civicdesk.policies.matching): 企业规模, 成立日期, 从业人数,
上年纳税额（万元）.

Import rules:

* The whole file is read and every row checked before anything is written; a file that
  cannot be read (not an xlsx, no header) raises :class:`ImportFileError` and writes nothing.
* Each good row is saved, each bad row is reported with its Excel row number and reason
  (bad credit code, missing name, duplicate in file, bad phone, unknown industry …).
* Idempotent by credit code: a code already in the register updates that enterprise
  (columns present in the file overwrite, absent columns are left alone); an unchanged row
  is not written at all.
* 行业 accepts the section letter (``C``), its name (``制造业``) or both (``C 制造业``);
  企业规模 the size's name (``小型``) or its code (``small``).
* 成立日期 is a date cell or a date typed as text (2015-03-01, 2015/3/1, 2015年3月1日,
  20150301), not in the future; 从业人数 a whole number (``120`` or ``120人``);
  上年纳税额（万元） a number of 万元 with at most two decimals (``1,234.5``). Nothing is rounded
  or guessed: another value rejects the row with the reason. An empty cell empties the field
  (unknown to the matching of measures).

Export writes the same columns, codes and phones as text, 行业 and 企业规模 as their names,
成立日期 as a date cell, so an exported file imports back unchanged.
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import IO, Any
from zipfile import BadZipFile

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.utils import timezone
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.utils.exceptions import InvalidFileException

from civicdesk.enterprises.models import Enterprise, EnterpriseSize, Industry
from civicdesk.enterprises.validators import normalise_phone, phone_problem
from civicdesk.lib import creditcode, spreadsheet
from civicdesk.lib.controls import strip_bidi

NAME = "企业名称"
CODE = "统一社会信用代码"
ADDRESS = "地址"
INDUSTRY = "行业"
CONTACT = "联系人"
PHONE = "联系电话"
SIZE = "企业规模"
FOUNDED = "成立日期"
EMPLOYEES = "从业人数"
TAX = "上年纳税额（万元）"

COLUMNS: tuple[str, ...] = (NAME, CODE, ADDRESS, INDUSTRY, CONTACT, PHONE, SIZE, FOUNDED, EMPLOYEES, TAX)
REQUIRED: tuple[str, ...] = (NAME, CODE)
# Header → model field, for the columns that are copied as they are (after checks).
FIELDS: dict[str, str] = {
    NAME: "name",
    CODE: "credit_code",
    ADDRESS: "address",
    INDUSTRY: "industry",
    CONTACT: "contact_name",
    PHONE: "contact_phone",
    SIZE: "size",
    FOUNDED: "founded_on",
    EMPLOYEES: "employees",
    TAX: "annual_tax",
}
# Other headers seen in registers for the same columns.
ALIASES: dict[str, str] = {"规模": SIZE, "成立时间": FOUNDED, "从业人员": EMPLOYEES, "上年纳税额": TAX}
HEADER_SEARCH_ROWS = 5
EMPLOYEES_MAX = 10_000_000
TAX_MAX = Decimal("9999999999.99")  # the field's 12 digits, two after the point
EARLIEST_FOUNDING = date(1900, 1, 1)


class ImportFileError(Exception):
    """The file as a whole cannot be read; nothing was imported."""


@dataclass(frozen=True)
class RejectedRow:
    row: int
    reason: str
    credit_code: str = ""
    name: str = ""


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[RejectedRow] = field(default_factory=list)

    @property
    def imported(self) -> int:
        """Rows of the file that are now in the register (new, updated or already equal)."""
        return self.created + self.updated + self.unchanged

    def summary(self) -> str:
        return f"imported {self.imported}, rejected {len(self.rejected)}"


@dataclass
class _Row:
    number: int
    values: dict[str, str]


# ---------------------------------------------------------------------------- reading


def _text(value: object) -> str:
    """A cell as text: numbers without a trailing .0, trimmed. Names and addresses keep their
    full-width brackets (阿里巴巴（中国）有限公司 is the registered name); codes and phones are
    folded by their own normalisation."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return strip_bidi(str(value)).strip()


def _header_key(value: object) -> str:
    return "".join(unicodedata.normalize("NFKC", _text(value)).split()).lstrip("*")


def _read_rows(source: str | Path | IO[bytes]) -> tuple[list[str], list[_Row], set[int]]:
    """The columns present, the non-empty data rows, and the rows whose code was a float
    (Excel keeps 15 significant digits, so an 18-digit code typed as a number is lost)."""
    try:
        workbook = load_workbook(source, read_only=True, data_only=True)
    except FileNotFoundError:
        raise ImportFileError("文件不存在") from None
    except (InvalidFileException, BadZipFile, KeyError, OSError, ValueError) as exc:
        raise ImportFileError(f"无法读取Excel文件（需要 .xlsx 格式）：{exc}") from None
    try:
        for sheet in workbook.worksheets:
            if not hasattr(sheet, "iter_rows"):  # a chart sheet
                continue
            rows = sheet.iter_rows(values_only=True)
            found = _find_header(rows)
            if found is None:
                continue
            header_row, positions = found
            data: list[_Row] = []
            float_codes: set[int] = set()
            for number, cells in enumerate(rows, start=header_row + 1):
                values = {
                    column: _text(cells[index]) if index < len(cells) else "" for column, index in positions.items()
                }
                if not any(values.values()):
                    continue
                code_index = positions[CODE]
                if code_index < len(cells) and isinstance(cells[code_index], float):
                    float_codes.add(number)
                data.append(_Row(number, values))
            return list(positions), data, float_codes
    except (InvalidFileException, BadZipFile, KeyError, OSError, ValueError) as exc:
        raise ImportFileError(f"无法读取Excel文件内容：{exc}") from None
    finally:
        workbook.close()
    raise ImportFileError(f"找不到表头：前{HEADER_SEARCH_ROWS}行中需要有“{NAME}”和“{CODE}”两列")


# Header cell (as _header_key folds it) → column: full-width brackets compare as typed either way.
_HEADERS = {_header_key(name): column for name, column in [*((c, c) for c in COLUMNS), *ALIASES.items()]}


def _find_header(rows: Iterator[tuple[Any, ...]]) -> tuple[int, dict[str, int]] | None:
    for number, cells in enumerate(rows, start=1):
        positions: dict[str, int] = {}
        for index, cell in enumerate(cells):
            column = _HEADERS.get(_header_key(cell))
            if column is not None and column not in positions:
                positions[column] = index
        if all(column in positions for column in REQUIRED):
            return number, positions
        if number >= HEADER_SEARCH_ROWS:
            return None
    return None


# ---------------------------------------------------------------------------- checking

_INDUSTRY_BY_NAME = {str(label): value for value, label in Industry.choices}


def parse_industry(text: str) -> str | None:
    """The section letter for ``C`` / ``制造业`` / ``C 制造业`` / ``C-制造业``; "" for empty; None if unknown."""
    text = "".join(text.split())
    if not text:
        return ""
    if text in _INDUSTRY_BY_NAME:
        return _INDUSTRY_BY_NAME[text]
    letter, rest = text[0].upper(), text[1:].lstrip("-—:：.、")
    if letter in Industry.values and (not rest or _INDUSTRY_BY_NAME.get(rest) == letter):
        return letter
    return None


_SIZE_BY_NAME = {str(label): value for value, label in EnterpriseSize.choices}
_DATE_FORMS = (
    re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:\s+0{1,2}:0{2}(?::0{2})?)?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)


def parse_size(text: str) -> str | None:
    """The size's code for ``小型`` / ``小型企业`` / ``small``; "" for empty; None if unknown."""
    text = "".join(text.split())
    if not text:
        return ""
    if text.lower() in EnterpriseSize.values:
        return text.lower()
    return _SIZE_BY_NAME.get(text.removesuffix("企业"))


def parse_founding(text: str) -> date | str | None:
    """The date a company was founded, None for an empty cell, or the reason it is refused."""
    if not text:
        return None
    for form in _DATE_FORMS:
        found = form.match(text.strip())
        if found:
            try:
                day = date(int(found.group(1)), int(found.group(2)), int(found.group(3)))
            except ValueError:
                break
            if day > timezone.localdate():
                return f"成立日期“{text}”晚于今天"
            if day < EARLIEST_FOUNDING:
                return f"成立日期“{text}”早于1900年，请核对"
            return day
    return f"成立日期“{text}”不是日期（如 2015-03-01）"


def parse_employees(text: str) -> int | str | None:
    """A number of employees, None for an empty cell, or the reason it is refused."""
    if not text:
        return None
    digits = "".join(text.split()).replace(",", "").removesuffix("人")
    if not digits.isdigit() or not digits.isascii():
        return f"从业人数“{text}”须为不小于0的整数"
    number = int(digits)
    if number > EMPLOYEES_MAX:
        return f"从业人数“{text}”过大，请核对"
    return number


def parse_tax(text: str) -> Decimal | str | None:
    """Last year's tax in 万元, None for an empty cell, or the reason it is refused."""
    if not text:
        return None
    cleaned = "".join(text.split()).replace(",", "").removesuffix("万元")
    try:
        amount = Decimal(cleaned)
    except InvalidOperation:
        return f"上年纳税额“{text}”不是数字（单位：万元）"
    if not amount.is_finite() or amount < 0:
        return f"上年纳税额“{text}”须为不小于0的数字（单位：万元）"
    if amount != amount.quantize(Decimal("0.01")):
        return f"上年纳税额“{text}”最多保留两位小数（单位：万元）"
    if amount > TAX_MAX:
        return f"上年纳税额“{text}”过大，请核对（单位：万元）"
    return amount.quantize(Decimal("0.01"))


def _check(row: _Row, float_code: bool) -> tuple[dict[str, Any], list[str]]:
    """The model values of a row and the problems found in it."""
    problems: list[str] = []
    values: dict[str, Any] = {FIELDS[column]: text for column, text in row.values.items()}
    if not values.get("name"):
        problems.append("企业名称不能为空")
    verdict = creditcode.validate(values.get("credit_code", ""))
    values["credit_code"] = verdict.code
    if not verdict.ok:
        hint = "（该单元格是数字，Excel只保留15位有效数字，请将此列设为文本后重新填写）" if float_code else ""
        problems.append(f"统一社会信用代码“{verdict.code}”无效：{verdict.message}{hint}")
    if "industry" in values:
        industry = parse_industry(values["industry"])
        if industry is None:
            problems.append(f"行业“{values['industry']}”不是国民经济行业门类（A–T）")
        else:
            values["industry"] = industry
    if "contact_phone" in values:
        values["contact_phone"] = normalise_phone(values["contact_phone"])
        problem = phone_problem(values["contact_phone"])
        if problem:
            problems.append(problem)
    if "size" in values:
        size = parse_size(values["size"])
        if size is None:
            problems.append(f"企业规模“{values['size']}”不是微型、小型、中型或大型")
        else:
            values["size"] = size
    for name, parse in (("founded_on", parse_founding), ("employees", parse_employees), ("annual_tax", parse_tax)):
        if name in values:
            parsed = parse(values[name])
            if isinstance(parsed, str):
                problems.append(parsed)
            else:
                values[name] = parsed
    return values, problems


def _validation_messages(exc: ValidationError) -> list[str]:
    if hasattr(exc, "error_dict"):
        labels = {FIELDS[column]: column for column in COLUMNS}
        return [
            f"{labels.get(name, name)}：{message}"
            for name, messages in exc.message_dict.items()
            for message in messages
        ]
    return list(exc.messages)


# ---------------------------------------------------------------------------- import


def import_enterprises(source: str | Path | IO[bytes]) -> ImportReport:
    """Import a workbook (path or binary file); see the module docstring for the rules."""
    _columns, rows, float_codes = _read_rows(source)
    report = ImportReport()
    checked: list[tuple[_Row, dict[str, Any]]] = []
    first_row_of: dict[str, int] = {}
    for row in rows:
        values, problems = _check(row, row.number in float_codes)
        code = values["credit_code"]
        if not problems and code in first_row_of:
            problems.append(f"统一社会信用代码与第{first_row_of[code]}行重复")
        if not problems:
            first_row_of[code] = row.number
            checked.append((row, values))
        else:
            report.rejected.append(RejectedRow(row.number, "；".join(problems), code, values.get("name", "")))

    codes = [values["credit_code"] for _, values in checked]
    existing = {enterprise.credit_code: enterprise for enterprise in Enterprise.objects.filter(credit_code__in=codes)}
    with transaction.atomic():
        for row, values in checked:
            enterprise = existing.get(values["credit_code"])
            try:
                outcome = _save_row(enterprise, values)
            except _RowError as exc:
                report.rejected.append(RejectedRow(row.number, str(exc), values["credit_code"], values["name"]))
                continue
            if outcome == "created":
                report.created += 1
            elif outcome == "updated":
                report.updated += 1
            else:
                report.unchanged += 1
    report.rejected.sort(key=lambda rejected: rejected.row)
    return report


class _RowError(Exception):
    pass


def _save_row(enterprise: Enterprise | None, values: dict[str, Any]) -> str:
    """Save one checked row: "created", "updated" or "unchanged"; :class:`_RowError` if the
    model or the database refuses it."""
    is_new = enterprise is None
    target = Enterprise() if enterprise is None else enterprise
    before = {name: getattr(target, name) for name in values}
    for name, value in values.items():
        setattr(target, name, value)
    try:
        target.full_clean(validate_unique=False)
    except ValidationError as exc:
        raise _RowError("；".join(_validation_messages(exc))) from None
    if not is_new and all(getattr(target, name) == before[name] for name in values):
        return "unchanged"
    try:
        with transaction.atomic():
            target.save()
    except DatabaseError as exc:
        raise _RowError(f"保存失败：{exc}") from None
    return "created" if is_new else "updated"


# ---------------------------------------------------------------------------- export


def export_enterprises(enterprises: Iterable[Enterprise] | None = None) -> bytes:
    """The register (or the given enterprises) as an .xlsx workbook with :data:`COLUMNS`."""
    if enterprises is None:
        enterprises = Enterprise.objects.order_by("credit_code")
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "企业名录"
    sheet.append(spreadsheet.row(sheet, COLUMNS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    industry_names = dict(Industry.choices)
    size_names = dict(EnterpriseSize.choices)
    for enterprise in enterprises:
        sheet.append(
            spreadsheet.row(
                sheet,
                [
                    enterprise.name,
                    enterprise.credit_code,
                    enterprise.address,
                    str(industry_names.get(enterprise.industry, "")),
                    enterprise.contact_name,
                    enterprise.contact_phone,
                    str(size_names.get(enterprise.size, "")),
                    # A date cell, an integer, a number: what a spreadsheet sorts and sums.
                    enterprise.founded_on,
                    enterprise.employees,
                    enterprise.annual_tax,
                ],
            )
        )
    text_columns = {COLUMNS.index(CODE) + 1, COLUMNS.index(PHONE) + 1}
    date_column = COLUMNS.index(FOUNDED) + 1
    tax_column = COLUMNS.index(TAX) + 1
    for column_cells in sheet.iter_cols(min_row=2):
        for cell in column_cells:
            if cell.column in text_columns:
                cell.number_format = "@"
            elif cell.column == date_column:
                cell.number_format = "yyyy-mm-dd"
            elif cell.column == tax_column:
                cell.number_format = "0.00"
    for letter, width in zip("ABCDEFGHIJ", (36, 22, 40, 30, 12, 16, 10, 12, 10, 18), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
