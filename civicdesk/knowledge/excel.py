"""Excel import and export of articles (openpyxl), with a report of the rows refused."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import IO, Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from civicdesk.catalogue.models import Category
from civicdesk.knowledge import bulk
from civicdesk.knowledge.actions import ANSWER_MAX, TITLE_MAX
from civicdesk.knowledge.models import Article, ArticleStatus
from civicdesk.lib import spreadsheet
from civicdesk.lib.controls import strip_bidi
from civicdesk.org.models import OrgUnit, User

# (header, attribute) in the sheet's order; import reads by header, so columns may be moved.
COLUMNS: list[tuple[str, str]] = [
    ("标题", "title"),
    ("适用问题", "questions"),
    ("答复口径", "answer"),
    ("诉求分类", "category"),
    ("责任单位", "owner_unit"),
    ("政策依据", "sources"),
    ("生效日期", "valid_from"),
    ("失效日期", "valid_to"),
    ("下次复核日期", "review_due"),
    ("状态", "status"),
]
REQUIRED = ("标题", "答复口径", "责任单位")


@dataclass
class Rejected:
    row: int  # the sheet's row number (the header is row 1)
    reason: str


@dataclass
class ImportReport:
    imported: list[Article] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)


def export_articles(articles: QuerySet[Article]) -> bytes:
    import openpyxl  # type: ignore[import-untyped]

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "知识库"
    ws.append(spreadsheet.row(ws, [h for h, _a in COLUMNS]))
    for a in articles.select_related("category", "owner_unit"):
        ws.append(
            spreadsheet.row(
                ws,
                [
                    a.title,
                    a.questions,
                    a.answer,
                    a.category.code if a.category else "",
                    a.owner_unit.code,
                    a.sources,
                    a.valid_from,
                    a.valid_to,
                    a.review_due,
                    a.get_status_display(),
                ],
            )
        )
    for col, width in zip("ABCDEFGHIJ", (30, 40, 60, 14, 14, 30, 12, 12, 12, 8), strict=True):
        ws.column_dimensions[col].width = width
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _date(value: Any) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip().replace("/", "-").replace(".", "-")
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(text) from None


def _text(value: Any) -> str:
    return "" if value is None else strip_bidi(str(value)).strip()


def import_articles(
    source: str | IO[bytes],
    *,
    actor: User | None,
    publish: bool = False,
    allowed_units: Sequence[OrgUnit] | None = None,
) -> ImportReport:
    """Read a sheet in the export's layout. Every row is checked; good rows become drafts (or
    published articles with ``publish``, for the hub), bad rows are reported with the reason.
    ``allowed_units`` (None: any) limits the owner units an importing user may name."""
    # openpyxl is heavy: loaded only when a workbook is read or written.
    import openpyxl

    report = ImportReport()
    try:
        wb = openpyxl.load_workbook(source, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a file that is not a workbook
        report.rejected.append(Rejected(0, _("无法读取文件：请上传 .xlsx 格式的 Excel 文件。")))
        return report
    try:
        ws = wb.worksheets[0]
        rows = ws.iter_rows(values_only=True)
        header = [_text(c) for c in next(rows, ())]
        missing = [h for h in REQUIRED if h not in header]
        if missing:
            report.rejected.append(Rejected(1, _("表头缺少列：%(cols)s") % {"cols": "、".join(missing)}))
            return report
        col = {h: header.index(h) for h, _a in COLUMNS if h in header}
        units = {u.code: u for u in OrgUnit.objects.filter(active=True)}
        units_by_name = {u.name: u for u in units.values()}
        allowed = None if allowed_units is None else {u.pk for u in allowed_units}
        cats = {c.code: c for c in Category.objects.filter(active=True)}
        cats_by_name = {c.name: c for c in cats.values()}
        existing = set(Article.objects.values_list("owner_unit_id", "title"))
        seen: set[tuple[int, str]] = set()
        good: list[bulk.NewArticle] = []
        for number, row in enumerate(rows, start=2):
            if row is None or all(c is None or _text(c) == "" for c in row):
                continue

            def get(h: str, row: tuple[Any, ...] = row) -> Any:
                i = col.get(h)
                return row[i] if i is not None and i < len(row) else None

            title, answer, unit_ref = _text(get("标题")), _text(get("答复口径")), _text(get("责任单位"))
            reason = ""
            unit = units.get(unit_ref) or units_by_name.get(unit_ref)
            cat_ref = _text(get("诉求分类"))
            category = cats.get(cat_ref) or cats_by_name.get(cat_ref) if cat_ref else None
            dates: dict[str, date | None] = {}
            if not title:
                reason = _("缺少标题")
            elif len(title) > TITLE_MAX:
                reason = _("标题超过 %(n)s 个字") % {"n": TITLE_MAX}
            elif not answer:
                reason = _("缺少答复口径")
            elif len(answer) > ANSWER_MAX:
                reason = _("答复口径超过 %(n)s 个字") % {"n": ANSWER_MAX}
            elif unit is None:
                reason = _("责任单位“%(unit)s”不存在") % {"unit": unit_ref}
            elif allowed is not None and unit.pk not in allowed:
                reason = _("您无权为“%(unit)s”导入条目") % {"unit": unit.name}
            elif cat_ref and category is None:
                reason = _("诉求分类“%(cat)s”不存在") % {"cat": cat_ref}
            else:
                for h, attr in (("生效日期", "valid_from"), ("失效日期", "valid_to"), ("下次复核日期", "review_due")):
                    try:
                        dates[attr] = _date(get(h))
                    except ValueError as exc:
                        reason = _("%(col)s“%(value)s”不是有效日期（应为 2026-01-31）") % {"col": h, "value": exc}
                        break
                if (
                    not reason
                    and dates.get("valid_from")
                    and dates.get("valid_to")
                    and dates["valid_to"] < dates["valid_from"]  # type: ignore[operator]
                ):
                    reason = _("失效日期早于生效日期")
            if not reason:
                assert unit is not None
                key = (unit.pk, title)
                if key in existing:
                    reason = _("该单位已有同名条目")
                elif key in seen:
                    reason = _("与本表前面的行重复")
                seen.add(key)
            if reason:
                report.rejected.append(Rejected(number, reason))
                continue
            assert unit is not None
            phrasings = _text(get("适用问题")).replace("；", "\n").splitlines()
            questions = "\n".join(q.strip() for q in phrasings if q.strip())
            good.append(
                bulk.NewArticle(
                    title=title,
                    answer=answer,
                    owner_unit=unit,
                    questions=questions,
                    category=category,
                    sources=_text(get("政策依据")),
                    status=ArticleStatus.PUBLISHED if publish else ArticleStatus.DRAFT,
                    **dates,  # type: ignore[arg-type]
                )
            )
    finally:
        wb.close()
    if good:
        report.imported = bulk.create_many(good, actor=actor, note=_("Excel 导入"))
    return report
