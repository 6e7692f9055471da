"""Import of measures from Excel (.xlsx), with the report of the rows refused that the
register and the knowledge base's imports give: each bad row with its sheet row number and
reason, in the user's language; the good rows are saved (by 政策编号: a code already in the
library is changed, and pushed again only if what a company reads changed).

Columns are found by their header in the first row, in any order; list cells (行业, 规模,
区域, 证照) take names or codes separated by 、 , ； or spaces.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import IO, Any

from django.utils.translation import gettext as _

from civicdesk.catalogue.models import Area
from civicdesk.enterprises.excel import parse_industry
from civicdesk.enterprises.models import EnterpriseSize, LicenceKind
from civicdesk.lib.controls import strip_bidi
from civicdesk.orders.errors import ActionError
from civicdesk.org.models import User
from civicdesk.policies import actions
from civicdesk.policies.models import Policy

# header → field, in the template's order
COLUMNS: list[tuple[str, str]] = [
    ("政策编号", "code"),
    ("政策名称", "title"),
    ("发布单位", "issuing_body"),
    ("文号", "document_number"),
    ("发布日期", "issued_on"),
    ("执行日期", "valid_from"),
    ("截止日期", "valid_to"),
    ("能享受什么", "benefit"),
    ("谁可以申请", "eligibility"),
    ("需要准备什么", "materials"),
    ("咨询电话", "contact"),
    ("政策原文", "full_text"),
    ("原文出处", "source_document"),
    ("原文链接", "source_url"),
    ("适用行业", "industries"),
    ("适用规模", "sizes"),
    ("适用区域", "areas"),
    ("成立至少（年）", "min_age_years"),
    ("成立不超过（年）", "max_age_years"),
    ("须持有证照", "licences"),
    ("上年纳税至少（万元）", "min_annual_tax"),
    ("从业人数至少", "min_employees"),
    ("从业人数至多", "max_employees"),
]
REQUIRED = ("政策编号", "政策名称", "发布单位", "能享受什么", "谁可以申请")
DATES = {"issued_on", "valid_from", "valid_to"}
COUNTS = {"min_age_years", "max_age_years", "min_employees", "max_employees"}
_SPLIT = re.compile(r"[、,，;；\s]+")


@dataclass
class Rejected:
    row: int  # the sheet's row number (the header is row 1)
    reason: str
    code: str = ""


@dataclass
class ImportReport:
    created: int = 0
    changed: int = 0
    unchanged: int = 0
    rejected: list[Rejected] = field(default_factory=list)

    @property
    def imported(self) -> int:
        return self.created + self.changed + self.unchanged


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return strip_bidi(str(value)).strip()


def _date(value: Any) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value).replace("/", "-").replace(".", "-").replace("年", "-").replace("月", "-").rstrip("日")
    try:
        return date.fromisoformat("-".join(part.zfill(2) for part in text.split("-")))
    except ValueError:
        raise ValueError(_text(value)) from None


def _choices(text: str, choices: type[EnterpriseSize] | type[LicenceKind]) -> tuple[list[str], list[str]]:
    by_name = {str(label): value for value, label in choices.choices}
    found, wrong = [], []
    for item in filter(None, _SPLIT.split(text)):
        value = item if item in choices.values else by_name.get(item)
        if value is None:
            wrong.append(item)
        else:
            found.append(value)
    return found, wrong


def _row_values(get: Any, areas: dict[str, Area]) -> tuple[dict[str, Any], list[Area] | None, list[str]]:
    """The measure's values of one row, its areas, and what is wrong with it."""
    problems: list[str] = []
    values: dict[str, Any] = {}
    for header, name in COLUMNS:
        raw = get(header)
        if raw is None and header not in REQUIRED:
            continue
        if name in DATES:
            try:
                values[name] = _date(raw)
            except ValueError as exc:
                problems.append(_("%(col)s“%(value)s”不是有效日期（应为 2026-01-31）") % {"col": header, "value": exc})
        elif name in COUNTS:
            text = _text(raw)
            if not text:
                values[name] = None
            elif text.isdigit():
                values[name] = int(text)
            else:
                problems.append(_("%(col)s“%(value)s”应为整数") % {"col": header, "value": text})
        elif name == "min_annual_tax":
            text = _text(raw)
            try:
                values[name] = Decimal(text) if text else None
            except InvalidOperation:
                problems.append(_("%(col)s“%(value)s”应为数字") % {"col": header, "value": text})
        elif name == "industries":
            letters, wrong = [], []
            for item in filter(None, _SPLIT.split(_text(raw))):
                letter = parse_industry(item)
                (letters.append(letter) if letter else wrong.append(item))
            values[name] = letters
            if wrong:
                problems.append(_("适用行业“%(items)s”不是国民经济行业门类（A–T）") % {"items": "、".join(wrong)})
        elif name in ("sizes", "licences"):
            kind = EnterpriseSize if name == "sizes" else LicenceKind
            found, wrong = _choices(_text(raw), kind)
            values[name] = found
            if wrong:
                problems.append(_("%(col)s“%(items)s”无法识别") % {"col": header, "items": "、".join(wrong)})
        elif name == "areas":
            continue
        else:
            values[name] = _text(raw)
    area_list: list[Area] | None = None
    if get("适用区域") is not None:
        area_list = []
        for item in filter(None, _SPLIT.split(_text(get("适用区域")))):
            area = areas.get(item)
            if area is None:
                problems.append(_("适用区域“%(area)s”不存在") % {"area": item})
            else:
                area_list.append(area)
    return values, area_list, problems


def import_policies(source: str | IO[bytes], *, actor: User | None) -> ImportReport:
    """Read a sheet with the COLUMNS headers; see the module docstring."""
    # openpyxl is heavy: loaded only when a workbook is read.
    import openpyxl

    report = ImportReport()
    try:
        wb = openpyxl.load_workbook(source, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a file that is not a workbook
        report.rejected.append(Rejected(0, _("无法读取文件：请上传 .xlsx 格式的 Excel 文件。")))
        return report
    try:
        rows = wb.worksheets[0].iter_rows(values_only=True)
        header = [_text(c).lstrip("*") for c in next(rows, ())]
        missing = [h for h in REQUIRED if h not in header]
        if missing:
            report.rejected.append(Rejected(1, _("表头缺少列：%(cols)s") % {"cols": "、".join(missing)}))
            return report
        col = {h: header.index(h) for h, _a in COLUMNS if h in header}
        areas: dict[str, Area] = {}
        for area in Area.objects.filter(active=True):
            areas.setdefault(area.name, area)
            areas[area.code] = area
        seen: dict[str, int] = {}
        for number, row in enumerate(rows, start=2):
            if row is None or all(_text(c) == "" for c in row):
                continue

            def get(h: str, row: tuple[Any, ...] = row) -> Any:
                i = col.get(h)
                return row[i] if i is not None and i < len(row) else None

            values, area_list, problems = _row_values(get, areas)
            code = values.get("code", "")
            if code and code in seen:
                problems.append(_("政策编号与第%(row)s行重复") % {"row": seen[code]})
            if problems:
                report.rejected.append(Rejected(number, "；".join(problems), code))
                continue
            seen[code] = number
            try:
                existed = Policy.objects.filter(code=code).exists()
                _policy, changed = actions.save_policy(actor=actor, values=values, areas=area_list, source="excel")
            except ActionError as error:
                report.rejected.append(Rejected(number, error.message, code))
                continue
            if not changed:
                report.unchanged += 1
            elif existed:
                report.changed += 1
            else:
                report.created += 1
    finally:
        wb.close()
    return report
