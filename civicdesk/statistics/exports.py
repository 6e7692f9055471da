"""Excel exports (openpyxl): any dashboard table, and the orders behind any number. A list
over CIVICDESK_STATS_EXPORT_INLINE_MAX rows (default 200) is built in the background by a
django-tasks task; the requester downloads it from the exports page.

Personal data follows the order page: a confidential caller stays hidden unless the user
may know them; phones and names are masked (138****0000) for roles that see masked numbers
(everyone but operators, dispatchers and callback agents)."""

from __future__ import annotations

import io
import secrets
from typing import Any

from django.core.files.base import ContentFile
from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_tasks import task
from openpyxl import Workbook
from openpyxl.styles import Font

from civicdesk.lib import spreadsheet
from civicdesk.lib.masking import mask_name, mask_phone, scrub_text
from civicdesk.lib.replica import replica_reads
from civicdesk.orders.models import WorkOrder
from civicdesk.orders.permissions import identity_visible
from civicdesk.org.models import Role, User
from civicdesk.statistics import dashboard as data
from civicdesk.statistics.measures import MEASURES
from civicdesk.statistics.models import Export, ExportStatus
from civicdesk.statistics.ranking import SCORE_PARTS
from civicdesk.statistics.scope import stats_scope
from civicdesk.statistics.views import drill_orders

FULL_CONTACT_ROLES = {Role.OPERATOR, Role.DISPATCHER, Role.CALLBACK_AGENT}


def _book(title: str, header: list[str], rows: list[list[Any]], note: str = "") -> bytes:
    wb = Workbook(write_only=False)
    ws = wb.active
    ws.title = sheet_title(title)
    ws.append(spreadsheet.row(ws, [title]))
    ws["A1"].font = Font(bold=True)
    if note:
        ws.append(spreadsheet.row(ws, [note]))
    ws.append(spreadsheet.row(ws, header))
    for row in rows:
        ws.append(spreadsheet.row(ws, row))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _cell(figure: dict[str, Any]) -> Any:
    value = figure["value"]
    return None if value is None else round(value, 6)


TABLE_NAMES = {
    "overview": gettext_lazy("主要指标"),
    "trend": gettext_lazy("趋势"),
    "by_category": gettext_lazy("分类受理量"),
    "by_area": gettext_lazy("区域受理量"),
    "by_topic": gettext_lazy("专题受理量"),
    "ranking": gettext_lazy("单位排名"),
    "overdue_by_unit": gettext_lazy("各单位超期件数"),
    "area_heat": gettext_lazy("区域热力表"),
    "levels": gettext_lazy("本级与下级中心"),
}
LEVELS_NOTE = gettext_lazy(
    "口径：工单按其所在的中心计。下转给下级中心的工单计入该下级中心一行（由下级办理），"
    "本中心合计中也只计一次（由本中心受理）；本级一行是本中心直接派办、未下转的工单。"
)
_NOT_IN_NAMES = str.maketrans(dict.fromkeys('/\\:*?"<>|[]', "_"))


def file_name(title: str) -> str:
    """A download name from a title: the characters file systems refuse become _."""
    return f"{title.translate(_NOT_IN_NAMES).strip()[:150]}.xlsx"


def sheet_title(title: str) -> str:
    """Excel allows 31 characters without []:*?/\\ in a sheet's name; the full title is row 1."""
    return title.translate(_NOT_IN_NAMES)[:31].strip() or "Sheet"


def table_workbook(q: data.Query, table: str) -> tuple[bytes, str]:
    """One dashboard table as a workbook: the same numbers as on the page (rates as fractions).
    The file, the sheet and its first row are named after the table, the period and the filters."""
    payload = data.dashboard(q)
    title = f"{TABLE_NAMES[table]} {q.describe()}"
    if table == "overview":
        header = [_("指标"), _("数值"), _("分子"), _("分母"), _("上期"), _("去年同期"), _("口径")]
        rows = [
            [
                str(MEASURES[c].name),
                _cell(f),
                f["numerator"],
                f["denominator"],
                _cell(f["previous"]),
                _cell(f["last_year"]),
                str(MEASURES[c].definition),
            ]
            for c, f in payload["overview"].items()
        ]
    elif table == "trend":
        header = [_("日期"), *(str(MEASURES[c].name) for c in data.TREND)]
        rows = [[r["key"], *(_cell(r[c]) for c in data.TREND)] for r in payload["trend"]]
    elif table == "ranking":
        header = [_("名次"), _("单位"), _("派单次数"), _("得分"), _("响应率"), _("解决率"), _("满意率")]
        rows = [
            [
                r["rank"],
                r["name"],
                r["volume"],
                r["score"],
                _cell(r["response"]),
                _cell(r["resolution"]),
                _cell(r["satisfaction"]),
            ]
            for r in payload["ranking"]["rows"]
        ]
        return _book(title, header, rows, payload["ranking"]["definition"] + payload["ranking"]["note"]), file_name(
            title
        )
    else:
        section = payload[table]
        codes = [k for k in (section[0] if section else {}) if k in MEASURES]
        header = [_("名称"), *(str(MEASURES[c].name) for c in codes)]
        rows = [
            [
                _("%(name)s（本级）") % {"name": r["name"]} if r.get("own") else r["name"],
                *(r[c]["numerator"] if MEASURES[c].kind == "count" else _cell(r[c]) for c in codes),
            ]
            for r in section
        ]
        if table == "levels":
            return _book(title, header, rows, str(LEVELS_NOTE)), file_name(title)
    return _book(title, header, rows), file_name(title)


ORDER_HEADER = [
    gettext_lazy("工单编号"),
    gettext_lazy("受理时间"),
    gettext_lazy("渠道"),
    gettext_lazy("类型"),
    gettext_lazy("紧急程度"),
    gettext_lazy("分类"),
    gettext_lazy("区域"),
    gettext_lazy("主办单位"),
    gettext_lazy("状态"),
    gettext_lazy("办理时限"),
    gettext_lazy("答复时间"),
    gettext_lazy("办结时间"),
    gettext_lazy("标题"),
    gettext_lazy("来电人"),
    gettext_lazy("联系电话"),
]


def _local(moment: Any) -> Any:
    return timezone.localtime(moment).replace(tzinfo=None) if moment else None


def order_rows(user: User, orders: QuerySet[WorkOrder]) -> Any:
    full = bool(user.roles & FULL_CONTACT_ROLES)
    annotated = orders.annotate(_knows=ExpressionWrapper(Q(identity_visible(user)), output_field=BooleanField()))
    for o in annotated.iterator(chunk_size=2000):
        title = o.title
        if not o._knows:  # type: ignore[attr-defined]
            name = phone = _("（保密）")
            # The caller's number or name written into the title stays hidden as well.
            title = scrub_text(o.title, name=o.citizen_name)
        else:
            name = o.citizen_name if full else mask_name(o.citizen_name)
            phone = o.citizen_phone if full else mask_phone(o.citizen_phone)

        yield [
            o.number,
            _local(o.created_at),
            o.get_channel_display(),
            o.get_request_type_display(),
            o.get_urgency_display(),
            o.category.name if o.category else "",
            o.area.name if o.area else "",
            o.lead_unit.name if o.lead_unit else "",
            o.get_state_display(),
            _local(o.handle_due_at),
            _local(o.replied_at),
            _local(o.closed_at),
            title,
            name,
            phone,
        ]


def orders_workbook(user: User, orders: QuerySet[WorkOrder], title: str) -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(sheet_title(title))
    ws.append(spreadsheet.row(ws, [title]))
    ws.append(spreadsheet.row(ws, [str(h) for h in ORDER_HEADER]))
    for row in order_rows(user, orders):
        ws.append(spreadsheet.row(ws, row))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@task()
def build_orders_export(export_id: int) -> int:
    """Build a large export in the background; returns the number of orders written."""
    export = Export.objects.select_related("requested_by").get(pk=export_id)
    export.status = ExportStatus.RUNNING
    export.save(update_fields=["status"])
    try:
        params = QueryDict(mutable=True)
        params.update(export.params)
        # The orders from the replica when there is one (civicdesk.lib.replica); the Export
        # row itself is read and written on the primary, outside the scope.
        with replica_reads():
            # The figures the person who asked may see, as when they asked (civicdesk.statistics.scope).
            q = data.parse_query(params, scope=stats_scope(export.requested_by))
            orders = drill_orders(export.requested_by, q, str(params["code"]), str(params.get("part", "numerator")))
            content = orders_workbook(export.requested_by, orders, export.title)
            export.rows = orders.count()
        # An unguessable name: the export holds callers' data; only export_download serves it.
        export.file.save(f"export-{secrets.token_urlsafe(18)}.xlsx", ContentFile(content), save=False)
        export.status = ExportStatus.READY
    except Exception as error:  # the requester sees that it failed and why
        export.status = ExportStatus.FAILED
        export.error = str(error)[:2000]
    export.finished_at = timezone.now()
    export.save()
    return export.rows


def assessment_workbook(report: Any) -> bytes:
    """The 月度通报 as a workbook: one sheet per group of units (red and black lists on top),
    the numbers as numbers, every text through the formula-safe cells."""
    wb = Workbook()
    wb.remove(wb.active)
    rules = report.rules
    header = [
        _("名次"),
        _("单位"),
        _("派单次数"),
        *(str(MEASURES[c].name) for c in SCORE_PARTS),
        _("加权得分"),
        *(f"{r.name}（{_('件')}）" for r in rules),
        _("扣分"),
        _("月度得分"),
        _("等次"),
    ]
    for group in report.groups:
        ws = wb.create_sheet(sheet_title(group.name))
        ws.append(spreadsheet.row(ws, [report.title]))
        ws["A1"].font = Font(bold=True)
        ws.append(spreadsheet.row(ws, [report.definition]))
        ws.append(spreadsheet.row(ws, [_("红榜"), "、".join(r.unit.name for r in group.red)]))
        ws.append(spreadsheet.row(ws, [_("黑榜"), "、".join(r.unit.name for r in group.black)]))
        ws.append(spreadsheet.row(ws, header))
        for row, ranked in [*((r, True) for r in group.rows), *((r, False) for r in group.left_out)]:
            ws.append(
                spreadsheet.row(
                    ws,
                    [
                        row.rank if ranked else "—",
                        row.unit.name,
                        row.volume,
                        *(_rounded(row.figures[c].value) for c in SCORE_PARTS),
                        row.weighted if ranked else None,
                        *(d.count for d in row.deductions),
                        row.deducted,
                        row.score if ranked else None,
                        row.grade if ranked else _("不排名"),
                    ],
                )
            )
    if not report.groups:
        ws = wb.create_sheet(sheet_title(report.title))
        ws.append(spreadsheet.row(ws, [report.title]))
        ws.append(spreadsheet.row(ws, [_("本月该中心下没有单位接收派单。")]))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 6)
