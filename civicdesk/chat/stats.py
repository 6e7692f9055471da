"""The online desk on the statistics dashboard: its queue figures (civicdesk.chat.measures) in
the dashboard's section beside the calls, and the chats behind each of them. For the people
who read statistics, within their hub's subtree (civicdesk.statistics.scope)."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from civicdesk.chat.measures import CHAT_MEASURES, drill, figures_by_period, handled_by_operator
from civicdesk.lib.masking import mask_phone
from civicdesk.org.models import OrgUnit
from civicdesk.org.web import current_user, require_role
from civicdesk.statistics.dashboard import Query, Section
from civicdesk.statistics.rollups import Days
from civicdesk.statistics.scope import SCOPE_ROLES, OutOfScope, requested_hub

DASHBOARD_CODES = ("waiting", "longest_wait", "started", "abandoned", "first_response", "first_response_p90", "handled")
MAX_DAYS = 3660  # as the dashboard's longest custom period
PAGE = 50


def _drill_url(days: Days, hub: OrgUnit | None, code: str, **extra: str) -> str:
    params = {"code": code, "first": days.first.isoformat(), "last": days.last.isoformat(), **extra}
    if hub is not None:
        params["hub"] = str(hub.pk)
    return reverse("chat:drill") + "?" + urlencode(params)


def dashboard_section(q: Query, periods: tuple[Days, Days, Days]) -> Section:
    """The queue figures of the dashboard's period, the one before and a year earlier, for its
    hub's subtree (two queries), and the chats each operator handled in the period (one)."""
    hub = q.filters.hub
    current, before, year_ago = figures_by_period(
        hub, [(days.start, days.end) for days in periods], codes=DASHBOARD_CODES
    )
    handled = handled_by_operator(hub, q.days.start, q.days.end)
    return Section(
        key="chats",
        title=_("网上一对一咨询"),
        note=_("咨询按发起的时间计入统计期（办结咨询量按结束的时间），只按统计期和中心范围筛选。"),
        periods=(current, before, year_ago),
        drill={code: _drill_url(q.days, hub, code) for code in DASHBOARD_CODES},
        breakdown_title=_("各话务员办结咨询量"),
        breakdown=[
            {"name": name, "value": n, "drill": _drill_url(q.days, hub, "handled", operator=str(pk))}
            for pk, name, n in handled
        ],
    )


def _date(params: QueryDict, name: str) -> date:
    try:
        return date.fromisoformat(params.get(name, ""))
    except ValueError:
        raise ValueError(_("日期格式应为 YYYY-MM-DD。")) from None


def _int(params: QueryDict, name: str) -> int | None:
    raw = params.get(name, "").strip()
    if not raw:
        return None
    if not raw.isdigit() or int(raw) > 2**31 - 1:
        raise ValueError(_("参数 %(name)s 不正确。") % {"name": name})
    return int(raw)


@login_required
@require_GET
def drill_page(request: HttpRequest) -> HttpResponse:
    """The chats behind one number of the dashboard's online desk section."""
    user = current_user(request)
    require_role(user, set(SCOPE_ROLES), _("统计页面仅供领导、派单员、督办员和管理员查看。"))
    code = request.GET.get("code", "")
    try:
        if code not in CHAT_MEASURES:
            raise ValueError(_("没有这个指标。"))
        first, last = _date(request.GET, "first"), _date(request.GET, "last")
        if first > last:
            raise ValueError(_("开始日期不能晚于结束日期。"))
        if (last - first).days > MAX_DAYS:
            raise ValueError(_("统计期最长十年。"))
        hub_id, operator_id = _int(request.GET, "hub"), _int(request.GET, "operator")
    except ValueError as error:
        return render(request, "chat/drill.html", {"error": str(error)}, status=400)
    try:
        hub = requested_hub(user, hub_id)
    except OutOfScope as error:
        raise PermissionDenied(str(error)) from None
    days = Days(first, last)
    chats = drill(code, hub, days.start, days.end).select_related("hub", "operator", "order")
    if operator_id is not None:
        chats = chats.filter(operator_id=operator_id)
    page = Paginator(chats, PAGE).get_page(request.GET.get("page"))
    back = {"period": "custom", "from": first.isoformat(), "to": last.isoformat()}
    if hub_id is not None:
        back["hub"] = str(hub_id)
    kept = request.GET.copy()
    kept.pop("page", None)
    context = {
        "measure": CHAT_MEASURES[code],
        "days": days,
        "page": page,
        "rows": [{"chat": chat, "phone": mask_phone(chat.citizen_phone)} for chat in page],
        "now": timezone.now(),
        "back": reverse("statistics:dashboard") + "?" + urlencode(back),
        "query": kept.urlencode(),
    }
    return render(request, "chat/drill.html", context)
