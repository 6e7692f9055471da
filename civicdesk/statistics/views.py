"""Statistics pages: the dashboard and its JSON, the drill-down lists, the special-topic
page, Excel exports and the briefings. For leaders and the hub (LEADER, DISPATCHER,
SUPERVISOR, ADMIN); the orders behind a number are only those the user may open."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import connections
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from civicdesk.catalogue.models import Area, Category, Channel, RequestType, Topic, Urgency
from civicdesk.lib.files import protected_file
from civicdesk.lib.paging import COUNT_CAP, capped_count
from civicdesk.lib.picker import render_picker
from civicdesk.lib.replica import replica_reads
from civicdesk.orders.models import WorkOrder
from civicdesk.orders.permissions import visible_orders
from civicdesk.org.models import OrgUnit, Role, User
from civicdesk.org.web import current_user, require_role
from civicdesk.statistics import dashboard as data
from civicdesk.statistics.assessment import assess, deduction_rules, month_days, month_period, rule_orders_qs
from civicdesk.statistics.measures import LISTED_BY, MEASURES, Period, drill, drill_rows, due_branches, measures
from civicdesk.statistics.models import Briefing, Export, ExportStatus
from civicdesk.statistics.procedures import PROCEDURE_CODES
from civicdesk.statistics.ranking import SCORE_PARTS
from civicdesk.statistics.scope import OutOfScope, narrowed, stats_scope
from civicdesk.statistics.topics import topic_sentence

STATS_ROLES = {Role.LEADER, Role.DISPATCHER, Role.SUPERVISOR, Role.ADMIN}
PAGE = 50


def _require(request: HttpRequest) -> User:
    """The signed-in user, if they may read the figures (403 otherwise)."""
    user = current_user(request)
    require_role(user, STATS_ROLES, _("统计页面仅供领导、派单员、督办员和管理员查看。"))
    return user


def _indented(node: Any) -> str:
    return "\u3000" * (node.level - 1) + node.name


def _choices(request: HttpRequest) -> dict[str, Any]:
    everything = _("全部")
    chosen = request.GET
    return {
        "channels": Channel.choices,
        "types": RequestType.choices,
        "urgencies": Urgency.choices,
        # Searchable pickers (civicdesk.lib.picker), the same as the forms' elsewhere.
        "category_picker": render_picker(
            "category",
            Category.objects.order_by("code"),
            chosen.get("category"),
            empty_label=everything,
            label=_indented,
            attrs={"id": "f-category", "class": "form-select form-select-sm"},
        ),
        "area_picker": render_picker(
            "area",
            Area.objects.order_by("code"),
            chosen.get("area"),
            empty_label=everything,
            label=_indented,
            attrs={"id": "f-area", "class": "form-select form-select-sm"},
        ),
        "unit_picker": render_picker(
            "unit",
            OrgUnit.objects.filter(active=True).order_by("path"),
            chosen.get("unit"),
            empty_label=everything,
            label=lambda unit: unit.name,
            attrs={"id": "f-unit", "class": "form-select form-select-sm"},
        ),
        "topics": Topic.objects.order_by("name").values_list("pk", "name"),
        "periods": [
            ("day", _("日")),
            ("week", _("周")),
            ("month", _("月")),
            ("year", _("年")),
            ("custom", _("自定义")),
        ],
    }


def _query(request: HttpRequest) -> tuple[data.Query | None, dict[str, str]]:
    """The query, within the figures the signed-in person may see (civicdesk.statistics.scope)."""
    try:
        return data.parse_query(request.GET, scope=stats_scope(current_user(request))), {}
    except OutOfScope as error:
        raise PermissionDenied(str(error)) from None
    except data.BadQuery as error:
        return None, {error.field: error.message}


@login_required
@replica_reads()
def dashboard_page(request: HttpRequest) -> HttpResponse:
    _require(request)
    q, errors = _query(request)
    context = {
        **_choices(request),
        "q": q,
        "errors": errors,
        "chosen": request.GET,
        "api": reverse("statistics:dashboard_json") + ("?" + request.GET.urlencode() if request.GET else ""),
        "definitions": data.definitions(),
        "levels": _levels(q) if q is not None else [],
        "scope_hub": q.filters.hub if q is not None else None,
    }
    return render(request, "statistics/dashboard.html", context, status=400 if errors else 200)


@login_required
def dashboard_json(request: HttpRequest) -> JsonResponse:
    _require(request)
    # The payload's as_of (数据截至) is read with the figures: from the replica, its moment.
    with replica_reads():
        q, errors = _query(request)
        if q is None:
            return JsonResponse({"errors": errors}, status=400)
        payload = data.dashboard(q)
    # The drill-down page's address once, not once per row (reverse() is most of a link's cost).
    drill = reverse("statistics:drill")

    def link(code: str, part: str = "numerator", extra: dict[str, str] | None = None) -> str:
        return drill + "?" + urlencode({**q.params, **(extra or {}), "code": code, "part": part})

    for section in ("by_category", "by_area", "area_heat", "by_topic"):
        for row in payload[section]:
            row["drill"] = link("accepted", extra=_row_filter(section, row["key"]))
    for row in payload["ranking"]["rows"]:
        row["drill"] = link("response", "denominator", {"unit": str(row["unit"]), "sub": "0"})
    for row in payload["overdue_by_unit"]:
        row["drill"] = link("overdue", extra={"unit": str(row["key"]), "sub": "0"})
    payload["drill"] = {code: link(code) for code in data.OVERVIEW}
    for row in payload["levels"]:
        row["open"] = reverse("statistics:dashboard") + "?" + urlencode({**q.params, "hub": str(row["key"])})
    return JsonResponse(payload, json_dumps_params={"ensure_ascii": False})


def _levels(q: data.Query) -> list[dict[str, Any]]:
    """The lines of the scope hub's own level and of each hub below it, each lower hub's
    line opening the same page for that hub (its figures, its own lower hubs)."""
    rows = data.levels(q)
    if len(rows) <= 1:
        return []
    for row in rows:
        if not row["own"]:
            row["open"] = reverse("statistics:dashboard") + "?" + urlencode({**q.params, "hub": str(row["key"])})
        row["drill"] = _drill_url(q, "accepted", extra={"hub": str(row["key"])} if not row["own"] else {})
    return rows


def _row_filter(section: str, key: Any) -> dict[str, str]:
    if key is None:
        return {}
    return {"by_category": {"category": str(key)}, "by_topic": {"topic": str(key)}}.get(section, {"area": str(key)})


def _drill_url(q: data.Query, code: str, part: str = "numerator", extra: dict[str, str] | None = None) -> str:
    params = {**q.params, **(extra or {}), "code": code, "part": part}
    return reverse("statistics:drill") + "?" + urlencode(params)


def drill_orders(user: User, q: data.Query, code: str, part: str) -> QuerySet[WorkOrder]:
    behind = drill(code, Period(q.days.start, q.days.end), q.filters, part=part)  # type: ignore[arg-type]
    column = LISTED_BY.get(code)
    if column is not None and q.filters.topic is None:
        # The measure's own conditions on the orders, newest first by the column its period
        # bounds: the list walks that index and stops at the page (issue #20).
        orders = (behind & visible_orders(user)).order_by(f"-{column}", "-pk")
    else:
        orders = visible_orders(user).filter(pk__in=behind.values("pk")).order_by("-created_at", "-pk")
    # The hub too: a confidential caller's text is shown by whose hub the order is in. Fetched
    # in one query of its own, not joined: a fourth join turned the plan of the lists selected
    # through events (callbacks, replies) into a scan of every order of the hub (satisfaction's
    # drill-down at 100k: 77 -> 239 ms).
    return orders.select_related("category", "lead_unit", "area").prefetch_related("hub")


@dataclass(frozen=True)
class ThroughRows:
    """A list of orders walked through other rows than the orders' own (the moves of a measure
    counted per move, measures.drill_rows; the two parts of the due orders, measures.due_branches):
    each of `branches` yields orders as a tuple starting with the order's id, each order once in
    all the branches; the list is the branches merged in `order`. The page's orders are read
    from `orders` by those ids."""

    branches: tuple[QuerySet[Any], ...]
    order: tuple[str, ...]
    orders: QuerySet[WorkOrder]

    @property
    def keys(self) -> QuerySet[Any]:
        """Every row of the list, unordered (to count them)."""
        first, *others = self.branches
        return first.union(*others, all=True) if others else first

    def page_ids(self, start: int, stop: int) -> list[int]:
        first, *others = self.branches
        if not others:
            rows = first.order_by(*self.order)[start:stop]
        else:
            # The page's rows are among the first `stop` of each branch: each walks its own index
            # that far, and only those are merged (a merge of the whole branches sorted a month).
            # SQLite cannot order or limit the parts of a UNION: there the whole branches merge.
            if connections[first.db].features.supports_slicing_ordering_in_compound:
                first, *others = (branch.order_by(*self.order)[:stop] for branch in self.branches)
            rows = first.union(*others, all=True).order_by(*self.order)[start:stop]
        return [row[0] for row in rows]


def drill_list(user: User, q: data.Query, code: str, part: str) -> QuerySet[WorkOrder] | ThroughRows:
    """The orders behind a number as its list pages them: through the moves of a measure counted
    per move (newest move first); the due orders by when they were due (newest first), merged
    from the walks of the deadline's and the intake time's indexes; else as drill_orders."""
    period = Period(q.days.start, q.days.end)
    visible = visible_orders(user)
    shown = visible.select_related("category", "lead_unit", "area").prefetch_related("hub")
    rows = drill_rows(code, period, q.filters, part=part)  # type: ignore[arg-type]
    if rows is not None:
        # Whether the user may open a row's order: probed by the order's key for the rows walked.
        keys = rows.filter(Exists(visible.filter(pk=OuterRef("order_id")))).values_list("order_id", "pk")
        return ThroughRows((keys,), tuple(str(f) for f in rows.query.order_by), shown)
    branches = due_branches(code, period, q.filters, part=part)  # type: ignore[arg-type]
    if branches is not None:
        due = tuple(
            (branch & visible).annotate(due=F(column)).values_list("pk", "due")
            for branch, column in zip(branches, ("handle_due_at", "created_at"), strict=True)
        )
        return ThroughRows(due, ("-due", "-pk"), shown)
    return drill_orders(user, q, code, part)


@dataclass(frozen=True)
class Counted:
    """How many orders a list holds, counted up to a cap: past it the page says "1,000+"
    rather than count every order of a long period."""

    count: int
    capped: bool
    num_pages: int

    def text(self) -> str:
        return f"{self.count:,}+" if self.capped else str(self.count)


@dataclass
class ListPage:
    """One page of a list counted up to a cap (the parts of Django's Page the lists use)."""

    object_list: list[WorkOrder]
    number: int
    paginator: Counted
    more: bool

    def __iter__(self) -> Iterator[WorkOrder]:
        return iter(self.object_list)

    def has_next(self) -> bool:
        return self.more

    def has_previous(self) -> bool:
        return self.number > 1

    def has_other_pages(self) -> bool:
        return self.more or self.number > 1

    def next_page_number(self) -> int:
        return self.number + 1

    def previous_page_number(self) -> int:
        return self.number - 1


def list_page(orders: QuerySet[WorkOrder] | ThroughRows, number: str | None) -> ListPage:
    """The page asked for (the first for anything that is not a page number); the count stops
    at COUNT_CAP, and the page is read as its rows (and one more, to know there is a next)."""
    cap = getattr(settings, "CIVICDESK_STATS_LIST_COUNT_CAP", COUNT_CAP)
    n = capped_count(orders.keys if isinstance(orders, ThroughRows) else orders, cap)
    counted = Counted(min(n, cap), n > cap, max(1, -(-min(n, cap) // PAGE)))
    try:
        page = max(1, int(number or 1))
    except ValueError:
        page = 1
    if not counted.capped:
        page = min(page, counted.num_pages)
    start, stop = (page - 1) * PAGE, page * PAGE + 1
    if isinstance(orders, ThroughRows):
        ids = orders.page_ids(start, stop)
        found = orders.orders.in_bulk(ids[:PAGE])
        return ListPage([found[pk] for pk in ids[:PAGE] if pk in found], page, counted, len(ids) > PAGE)
    rows = list(orders[start:stop])
    return ListPage(rows[:PAGE], page, counted, len(rows) > PAGE)


def _drill_args(request: HttpRequest) -> tuple[data.Query, str, str]:
    q, _errors = _query(request)
    code, part = request.GET.get("code", ""), request.GET.get("part", "numerator")
    if q is None or code not in MEASURES or part not in ("numerator", "denominator"):
        raise Http404(_("没有这个统计数字。"))
    return q, code, part


@login_required
@replica_reads()
def drill_page(request: HttpRequest) -> HttpResponse:
    user = _require(request)
    q, code, part = _drill_args(request)
    page = list_page(drill_list(user, q, code, part), request.GET.get("page"))
    m = MEASURES[code]
    params = {k: str(v) for k, v in request.GET.items() if k != "page"}
    return render(
        request,
        "statistics/drill.html",
        {
            "measure": m,
            "part": part,
            "q": q,
            "page": page,
            "params": urlencode(params),
            "export_url": reverse("statistics:export_orders") + "?" + urlencode(params),
        },
    )


QUALITY_CODES = ("urge_rate", "repeat_call_rate", "reply_flagged", "reply_sent_back")


def _unit_table(user: User, q: data.Query, codes: tuple[str, ...]) -> list[dict[str, Any]]:
    """One row per unit directly under the hub whose figures are shown (the scope hub, or a
    lower hub asked for), each unit with its sub-units, each figure opening into its orders."""
    period = Period(q.days.start, q.days.end)
    if q.filters.hub is not None:
        hubs = {q.filters.hub.pk}
    else:  # the installation's administrator: the hubs they belong to
        hubs = {hub.pk for u in user.units_with_role(*STATS_ROLES) if (hub := u if u.is_hub else u.hub()) is not None}
    rows = []
    for unit in OrgUnit.objects.filter(parent__in=hubs, active=True, is_hub=False).order_by("path"):
        filters = replace(q.filters, lead_unit=unit, include_sub_units=True)
        figures = measures(period, filters, codes=codes)
        extra = {"unit": str(unit.pk), "sub": "1"}
        rows.append(
            {
                "unit": unit,
                "figures": [
                    (
                        figures[code],
                        _drill_url(q, code, "numerator", extra),
                        _drill_url(q, code, "denominator", extra),
                    )
                    for code in codes
                ],
            }
        )
    return rows


def _unit_table_page(request: HttpRequest, codes: tuple[str, ...], tab: str, title: str) -> HttpResponse:
    user = _require(request)
    q, errors = _query(request)
    context = {
        **_choices(request),
        "q": q,
        "errors": errors,
        "chosen": request.GET,
        "rows": _unit_table(user, q, codes) if q is not None else [],
        "measures": [MEASURES[code] for code in codes],
        "tab": tab,
        "title": title,
    }
    return render(request, "statistics/unit_table.html", context, status=400 if errors else 200)


@login_required
@replica_reads()
def quality_page(request: HttpRequest) -> HttpResponse:
    """催办与答复质量: per unit under the hub, 催办率, 重复来电率, the share of replies the
    checks flagged and of replies sent back, each opening into its orders."""
    return _unit_table_page(request, QUALITY_CODES, "quality", _("催办与答复质量"))


@login_required
@replica_reads()
def procedures_page(request: HttpRequest) -> HttpResponse:
    """程序事项: per unit under the hub, its objections and how they were ruled, its views at
    consultations (and the late ones), the instructions and notices on its orders (and those
    escalated as overdue), each opening into its orders (civicdesk.statistics.procedures)."""
    return _unit_table_page(request, PROCEDURE_CODES, "procedures", _("异议、会商、批示与督办"))


@login_required
@replica_reads()
def topic_page(request: HttpRequest) -> HttpResponse:
    _require(request)
    q, errors = _query(request)
    summary = None
    if q is not None and q.filters.topic is None and request.GET.get("topic") is not None:
        errors = {"topic": _("请选择专题。")}
    if q is not None and q.filters.topic is not None:
        summary = topic_sentence(q.filters.topic, Period(q.days.start, q.days.end), q.filters)
    rows = data.overview(q) if q is not None and q.filters.topic is not None else None
    return render(
        request,
        "statistics/topic.html",
        {
            **_choices(request),
            "q": q,
            "errors": errors,
            "chosen": request.GET,
            "summary": summary,
            "figures": rows,
            "drill": {code: _drill_url(q, code) for code in data.OVERVIEW} if q and q.filters.topic else {},
        },
        status=400 if errors else 200,
    )


# --- exports -------------------------------------------------------------------------------


@login_required
@replica_reads()
def export_table(request: HttpRequest) -> HttpResponse:
    # statistics.exports loads openpyxl: only when a workbook is asked for.
    from civicdesk.statistics.exports import table_workbook

    _require(request)
    q, _errors = _query(request)
    table = request.GET.get("table", "")
    if q is None or table not in (
        "overview",
        "trend",
        "by_category",
        "by_area",
        "by_topic",
        "ranking",
        "overdue_by_unit",
        "area_heat",
        "levels",
    ):
        raise Http404(_("没有这张表。"))
    content, filename = table_workbook(q, table)
    return _xlsx(content, filename)


def _xlsx(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{_quote(filename)}"
    return response


def _quote(name: str) -> str:
    return quote(name)


@login_required
def export_orders(request: HttpRequest) -> HttpResponse:
    # statistics.exports loads openpyxl (and imports this module): only when a workbook is asked for.
    from civicdesk.statistics.exports import build_orders_export, file_name, orders_workbook

    user = _require(request)
    # The orders are read from the replica; the Export row below is written to (and read back
    # from, by the task) the primary.
    with replica_reads():
        q, code, part = _drill_args(request)
        orders = drill_orders(user, q, code, part)
        title = f"{MEASURES[code].name}（{_('分子') if part == 'numerator' else _('分母')}）{q.describe()}"
        inline_max = settings.CIVICDESK_STATS_EXPORT_INLINE_MAX
        if capped_count(orders, inline_max) <= inline_max:
            return _xlsx(orders_workbook(user, orders, title), file_name(title))
    params = {k: str(v) for k, v in request.GET.items() if k != "page"}
    export = Export.objects.create(requested_by=user, title=title, params=params)
    build_orders_export.enqueue(export.pk)
    return redirect("statistics:exports")


@login_required
def exports(request: HttpRequest) -> HttpResponse:
    user = _require(request)
    return render(request, "statistics/exports.html", {"exports": Export.objects.filter(requested_by=user)[:50]})


@login_required
def export_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    # statistics.exports imports this module, and loads openpyxl: imported where it is used.
    from civicdesk.statistics.exports import file_name

    user = _require(request)
    export = Export.objects.filter(pk=pk, requested_by=user, status=ExportStatus.READY).first()
    if export is None or not export.file:
        raise Http404(_("没有这个导出文件。"))
    return protected_file(
        export.file,
        filename=file_name(export.title),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


# --- briefings -----------------------------------------------------------------------------


@login_required
def briefings(request: HttpRequest) -> HttpResponse:
    user = _require(request)
    listed = _briefings_of(user).select_related("hub")[:100]
    return render(request, "statistics/briefings.html", {"briefings": listed})


def _briefings_of(user: User) -> QuerySet[Briefing]:
    """The briefings of the person's scope: its hub's and those of the hubs below it; the
    installation-wide ones (written before briefings had a hub) for the top hubs."""
    try:
        scope = stats_scope(user)
    except OutOfScope:
        return Briefing.objects.none()
    if scope is None:
        return Briefing.objects.all()
    top = not any(u.is_hub for u in scope.ancestors())
    condition = Q(hub__path__startswith=scope.path)
    if top:
        condition |= Q(hub__isnull=True)
    return Briefing.objects.filter(condition)


def _briefing(pk: int, user: User) -> Briefing:
    briefing = _briefings_of(user).filter(pk=pk).first()
    if briefing is None:
        raise Http404(_("没有这份简报。"))
    return briefing


@login_required
def briefing_html(request: HttpRequest, pk: int) -> HttpResponse:
    """Drawn again from its figures (in the reader's language, with today's stylesheet URL);
    briefings written before the lead paragraph existed are shown as they were stored."""
    # The briefing builder is imported only by the pages that show a briefing.
    from civicdesk.statistics.briefings import render_html

    user = _require(request)
    briefing = _briefing(pk, user)
    if "lead" in briefing.data:
        return HttpResponse(render_html(briefing.data))
    return HttpResponse(briefing.html)


@login_required
def briefing_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    user = _require(request)
    briefing = _briefing(pk, user)
    response = HttpResponse(bytes(briefing.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f"inline; filename=briefing-{briefing.kind}-{briefing.start}.pdf"
    return response


# --- 月度通报 (monthly assessment) ----------------------------------------------------------


def _assessment_args(request: HttpRequest) -> tuple[OrgUnit, str, dict[str, str]]:
    """The hub and month asked for (default: the hub of the person's statistics scope, last
    month); a hub outside the scope is refused like the other reports' (civicdesk.statistics.scope)."""
    errors: dict[str, str] = {}
    user = current_user(request)
    wanted = None
    if request.GET.get("hub"):
        value = request.GET["hub"]
        wanted = OrgUnit.objects.filter(pk=value).first() if value.isdigit() else None
        if wanted is None:
            errors["hub"] = _("没有这个服务中心。")
    try:
        scope = stats_scope(user)
        hub = narrowed(scope, wanted)
    except OutOfScope as error:
        raise PermissionDenied(str(error)) from None
    hub = hub or _assessment_hubs(None).first()
    today = data.local_day(timezone.now())
    month = request.GET.get("month") or f"{today.replace(day=1) - dt.timedelta(days=1):%Y-%m}"
    try:
        month_days(month)
    except ValueError:
        errors["month"] = _("月份格式应为 年-月，如 2026-03。")
    if hub is None:
        raise Http404(_("还没有服务中心。"))
    return hub, month, errors


def _assessment_hubs(scope: OrgUnit | None) -> QuerySet[OrgUnit]:
    """The hubs a person may choose: theirs and those below it (every hub for the installation's admin)."""
    hubs = OrgUnit.objects.filter(is_hub=True, active=True).order_by("path")
    return hubs if scope is None else hubs.filter(path__startswith=scope.path)


def _assessment_links(a: Any) -> dict[str, Any]:
    """Every figure of the report → the list of its orders."""
    base = {"period": "custom", "from": a.first.isoformat(), "to": a.last.isoformat(), "sub": "0"}
    # The path and the month's part of the query once: a report of a hundred units has about 900
    # links, and reversing and encoding each whole took 40% of the page's CPU (issue #20).
    start = reverse("statistics:drill") + "?" + urlencode(base) + "&"

    def drill_url(unit: OrgUnit, code: str, part: str = "numerator") -> str:
        return start + urlencode({"unit": str(unit.pk), "code": code, "part": part})

    links: dict[str, Any] = {}
    for group in a.groups:
        for row in [*group.rows, *group.left_out]:
            unit_links: dict[str, str] = {"volume": drill_url(row.unit, "response", "denominator")}
            for code in row.figures:
                unit_links[code] = drill_url(row.unit, code)
                unit_links[f"{code}_den"] = drill_url(row.unit, code, "denominator")
            for d in row.deductions:
                if d.rule.measure:
                    unit_links[f"rule:{d.rule.code}"] = drill_url(row.unit, d.rule.measure)
                else:
                    params = {"hub": str(a.hub.pk), "month": a.month, "rule": d.rule.code, "unit": str(row.unit.pk)}
                    url = reverse("statistics:assessment_orders") + "?" + urlencode(params)
                    unit_links[f"rule:{d.rule.code}"] = url
            links[row.unit.pk] = unit_links
    return links


def _assessment_rows(a: Any) -> list[dict[str, Any]]:
    """The report's groups as the page draws them: each figure with the link to its orders."""
    links = _assessment_links(a)

    def row_of(row: Any) -> dict[str, Any]:
        mine = links[row.unit.pk]
        return {
            "unit": row.unit,
            "rank": row.rank,
            "grade": row.grade,
            "volume": row.volume,
            "volume_url": mine["volume"],
            "parts": [
                {
                    "display": f.display(),
                    "numerator": int(f.numerator),
                    "denominator": f.denominator,
                    "url": mine[code],
                    "den_url": mine[f"{code}_den"],
                }
                for code, f in row.figures.items()
            ],
            "weighted": row.weighted,
            "deductions": [
                {"count": d.count, "points": d.points, "url": mine[f"rule:{d.rule.code}"]} for d in row.deductions
            ],
            "deducted": row.deducted,
            "score": row.score,
        }

    return [
        {
            "code": g.code,
            "name": g.name,
            "rows": [row_of(r) for r in g.rows],
            "red": [row_of(r) for r in g.red],
            "black": [row_of(r) for r in g.black],
            "left_out": [row_of(r) for r in g.left_out],
        }
        for g in a.groups
    ]


def _procedures_url(hub: OrgUnit, report: Any) -> str:
    """The 程序事项 page for the report's hub and month."""
    params = {"period": "custom", "from": report.first.isoformat(), "to": report.last.isoformat(), "hub": str(hub.pk)}
    return reverse("statistics:procedures") + "?" + urlencode(params)


@login_required
@replica_reads()
def assessment_page(request: HttpRequest) -> HttpResponse:
    user = _require(request)
    hub, month, errors = _assessment_args(request)
    # From the rollups (as the dashboard): the month's dispatches, callbacks and due orders are
    # not read again for every look at the report (issue #20).
    report = None if errors else assess(hub, month, rolled=True)
    context = {
        "hubs": _assessment_hubs(stats_scope(user)),
        "hub": hub,
        "month": month,
        "errors": errors,
        "report": report,
        "groups": _assessment_rows(report) if report else [],
        "parts": [str(MEASURES[code].name) for code in SCORE_PARTS],
        "export_url": reverse("statistics:assessment_export") + "?" + urlencode({"hub": str(hub.pk), "month": month}),
        "procedures_url": _procedures_url(hub, report) if report else "",
        "as_of": data.as_of_text(report.rolled_at) if report else "",
    }
    return render(request, "statistics/assessment.html", context, status=400 if errors else 200)


@login_required
@replica_reads()
def assessment_orders(request: HttpRequest) -> HttpResponse:
    """The orders behind one deduction of one unit (a rule counted on events)."""
    user = _require(request)
    hub, month, errors = _assessment_args(request)
    rule = next((r for r in deduction_rules() if r.code == request.GET.get("rule")), None)
    unit_id = request.GET.get("unit", "")
    unit = OrgUnit.objects.filter(pk=unit_id).first() if unit_id.isdigit() else None
    if errors or rule is None or unit is None or not unit.is_within(hub):
        raise Http404(_("没有这个统计数字。"))
    first, last = month_days(month)
    behind = rule_orders_qs(rule, month_period(first, last), unit, as_of=timezone.now())
    orders = (
        visible_orders(user)
        .filter(pk__in=behind.values("pk"))
        .select_related("category", "lead_unit", "area")
        .prefetch_related("hub")  # not joined: see drill_orders
        .order_by("-created_at", "-pk")
    )
    page = list_page(orders, request.GET.get("page"))
    params = {k: str(v) for k, v in request.GET.items() if k != "page"}
    heading = {"name": f"{rule.name} · {unit.name}", "definition": rule.describe(), "kind": "count"}
    return render(
        request,
        "statistics/drill.html",
        {
            "measure": heading,
            "part": "numerator",
            "q": {"label": month},
            "page": page,
            "params": urlencode(params),
            "export_url": "",
        },
    )


@login_required
@replica_reads()
def assessment_export(request: HttpRequest) -> HttpResponse:
    # statistics.exports loads openpyxl: only when a workbook is asked for.
    from civicdesk.statistics.exports import assessment_workbook, file_name

    _require(request)
    hub, month, errors = _assessment_args(request)
    if errors:
        raise Http404(next(iter(errors.values())))
    report = assess(hub, month, rolled=True)
    return _xlsx(assessment_workbook(report), file_name(report.title))
