"""话务统计: the call measures of civicdesk.intake.callmeasures for a period, in total and by
hour of day, day, operator and queue, each number opening the calls behind it. For the people
who read statistics (civicdesk.statistics.views.STATS_ROLES), within their hub's subtree
(civicdesk.statistics.scope), from the rollups like the order dashboard."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from civicdesk.intake.callmeasures import (
    CALL_MEASURES,
    CallFilters,
    Days,
    drill,
    figures,
    figures_as_of,
    figures_by_period,
)
from civicdesk.lib.masking import mask_phone
from civicdesk.org.models import Role, User
from civicdesk.org.web import current_user, require_role
from civicdesk.statistics.dashboard import Query as DashboardQuery
from civicdesk.statistics.dashboard import Section, as_of_text
from civicdesk.statistics.rollups import local_day
from civicdesk.statistics.scope import OutOfScope, requested_hub

STATS_ROLES = {Role.LEADER, Role.DISPATCHER, Role.SUPERVISOR, Role.ADMIN}  # as statistics.views
MAX_DAYS = 366
PAGE = 50
# The columns of the tables by hour, day, operator and queue.
COLUMNS = ("offered", "answered", "abandoned", "answer_rate", "answered_15s", "avg_wait", "p90_wait", "avg_talk")


class BadQuery(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field, self.message = field, message


def _date(params: QueryDict, name: str, default: dt.date) -> dt.date:
    raw = params.get(name, "").strip()
    if not raw:
        return default
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise BadQuery(name, _("日期格式应为 YYYY-MM-DD。")) from None


def _int(params: QueryDict, name: str, lo: int, hi: int) -> int | None:
    raw = params.get(name, "").strip()
    if not raw:
        return None
    if not raw.isdigit() or not lo <= int(raw) <= hi:
        raise BadQuery(name, _("参数 %(name)s 不正确。") % {"name": name})
    return int(raw)


def _query(user: User, params: QueryDict) -> tuple[Days, CallFilters]:
    """The days and filters asked for, within what `user` may see (PermissionDenied otherwise)."""
    today = local_day(timezone.now())
    last = _date(params, "last", today)
    first = _date(params, "first", last.replace(day=1))
    if first > last:
        raise BadQuery("first", _("开始日期不能晚于结束日期。"))
    if (last - first).days >= MAX_DAYS:
        raise BadQuery("first", _("一次最多统计 %(n)s 天。") % {"n": MAX_DAYS})
    hub_id = _int(params, "hub", 1, 2**31 - 1)
    try:
        hub = requested_hub(user, hub_id)
    except OutOfScope as error:
        raise PermissionDenied(str(error)) from None
    queue = params.get("queue")
    filters = CallFilters(
        hub=hub,
        agent_id=_int(params, "agent", 0, 2**31 - 1),
        queue=queue.strip()[:40] if queue is not None else None,
        hour=_int(params, "hour", 0, 23),
    )
    return Days(first, last), filters


def _params(days: Days, filters: CallFilters, **extra: Any) -> dict[str, str]:
    params = {"first": days.first.isoformat(), "last": days.last.isoformat()}
    if filters.hub is not None:
        params["hub"] = str(filters.hub.pk)
    for name, value in (("agent", filters.agent_id), ("queue", filters.queue), ("hour", filters.hour)):
        if value is not None:
            params[name] = str(value)
    params.update({k: str(v) for k, v in extra.items() if v is not None})
    return params


def _drill_url(days: Days, filters: CallFilters, code: str, part: str = "numerator", **extra: Any) -> str:
    return reverse("intake:call_drill") + "?" + urlencode(_params(days, filters, code=code, part=part, **extra))


def _table(days: Days, filters: CallFilters, group: str) -> list[dict[str, Any]]:
    rows = figures(days, filters, group=group, codes=COLUMNS)
    names: dict[Any, str] = {}
    if group == "agent":
        names = {u.pk: str(u) for u in User.objects.filter(pk__in=[k for k in rows if k is not None])}
    result = []
    for key in sorted(rows, key=lambda k: (k is None, str(k) if group in ("agent", "queue") else k)):
        if group == "hour":
            label, extra = f"{key:02d}:00–{key:02d}:59", {"hour": key}
        elif group == "day":
            label, extra = key.isoformat(), {"first": key.isoformat(), "last": key.isoformat()}
        elif group == "agent":
            label, extra = names.get(key, _("（无人接听）")), {"agent": key if key is not None else 0}
        else:
            label, extra = key or _("（未分队列）"), {"queue": key}
        scoped = {k: v for k, v in extra.items() if k not in ("first", "last")}
        row_days = Days(key, key) if group == "day" else days
        cells = [
            {
                "figure": rows[key][code],
                "drill": _drill_url(row_days, filters, code, **scoped) if CALL_MEASURES[code].kind != "minutes" else "",
            }
            for code in COLUMNS
        ]
        result.append({"label": label, "cells": cells})
    return result


# The call figures on the statistics dashboard, beside the order measures (its "话务" section).
DASHBOARD_CODES = ("offered", "answer_rate", "answered_15s", "abandoned", "avg_wait", "callback_rate")


def dashboard_section(q: DashboardQuery, periods: tuple[Days, Days, Days]) -> Section:
    """The headline call figures of the dashboard's period, the one before and a year earlier,
    for the dashboard's hub (the viewer's subtree, or a hub within it), in one query on the
    rollups; each number of the period opens the calls behind it."""
    filters = CallFilters(hub=q.filters.hub)
    current, before, year_ago = figures_by_period(periods, filters, codes=DASHBOARD_CODES)
    return Section(
        key="calls",
        title=_("话务"),
        note=_("来电按到达的时间计入统计期，只按统计期和中心范围筛选：分类、区域等工单筛选条件不适用于来电。"),
        periods=(current, before, year_ago),
        drill={code: _drill_url(q.days, filters, code) for code in DASHBOARD_CODES},
        more=reverse("intake:call_stats") + "?" + urlencode(_params(q.days, filters)),
        as_of=as_of_text(figures_as_of()),
    )


@login_required
def stats_page(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    require_role(user, STATS_ROLES, _("统计页面仅供领导、派单员、督办员和管理员查看。"))
    try:
        days, filters = _query(user, request.GET)
    except BadQuery as error:
        return render(request, "intake/call_stats.html", {"errors": {error.field: error.message}}, status=400)
    overview = figures(days, filters)[None]
    context = {
        "days": days,
        "filters": filters,
        "overview": [
            {
                "figure": f,
                "drill": _drill_url(days, filters, code),
                "den": _drill_url(days, filters, code, "denominator"),
            }
            for code, f in overview.items()
        ],
        "columns": [CALL_MEASURES[c] for c in COLUMNS],
        "tables": [
            ("by-hour", _("按时段（一天中的小时）"), _table(days, filters, "hour")),
            ("by-day", _("按日"), _table(days, filters, "day")),
            ("by-agent", _("按话务员"), _table(days, filters, "agent")),
            ("by-queue", _("按队列"), _table(days, filters, "queue")),
        ],
        "as_of": figures_as_of(),
        "hub": filters.hub,
    }
    return render(request, "intake/call_stats.html", context)


def _without_page(params: QueryDict) -> str:
    kept = params.copy()
    kept.pop("page", None)
    return kept.urlencode()


@login_required
def drill_page(request: HttpRequest) -> HttpResponse:
    """The calls behind one number of the 话务统计 page."""
    user = current_user(request)
    require_role(user, STATS_ROLES, _("统计页面仅供领导、派单员、督办员和管理员查看。"))
    code = request.GET.get("code", "")
    part = request.GET.get("part", "numerator")
    try:
        if code not in CALL_MEASURES:
            raise BadQuery("code", _("没有这个指标。"))
        if part not in ("numerator", "denominator"):
            raise BadQuery("part", _("参数 %(name)s 不正确。") % {"name": "part"})
        days, filters = _query(user, request.GET)
    except BadQuery as error:
        return render(request, "intake/call_drill.html", {"errors": {error.field: error.message}}, status=400)
    qs = drill(code, days, filters, part=part).select_related("agent", "order", "transferred_to")  # type: ignore[arg-type]
    page = Paginator(qs, PAGE).get_page(request.GET.get("page"))
    rows = [{"call": c, "phone": mask_phone(c.phone)} for c in page]
    context = {
        "measure": CALL_MEASURES[code],
        "part": part,
        "days": days,
        "page": page,
        "rows": rows,
        "back": reverse("intake:call_stats") + "?" + urlencode(_params(days, CallFilters(hub=filters.hub))),
        "query": _without_page(request.GET),
    }
    return render(request, "intake/call_drill.html", context)
