"""The 热点 page: the hub's current hotspots ranked by heat, each drillable to its orders and to
its area's figures, with the hub's actions (confirm, name, lead unit, merge, dismiss)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from civicdesk.hotspots import actions
from civicdesk.hotspots.grouping import heat_formula, shown, window
from civicdesk.hotspots.models import Hotspot, Status
from civicdesk.orders.errors import ActionError, ConflictError, InvalidInput
from civicdesk.orders.models import WorkOrder
from civicdesk.orders.workflow import MOVES
from civicdesk.org.models import OrgUnit, Role, User
from civicdesk.org.web import current_user, require_role
from civicdesk.text.similar import HEAT_WEIGHTS

ROLES = (Role.DISPATCHER, Role.LEADER)
FILTERS = {
    "active": (Status.NEW, Status.CONFIRMED),
    "new": (Status.NEW,),
    "confirmed": (Status.CONFIRMED,),
    "merged": (Status.MERGED,),
    "dismissed": (Status.DISMISSED,),
}
PAGE = 30


def _user(request: HttpRequest) -> User:
    user = current_user(request)
    require_role(user, ROLES, _("热点页面仅供本中心的派单员和领导使用。"))
    return user


@login_required
def hotspot_list(request: HttpRequest) -> HttpResponse:
    """Current hotspots of the person's hubs, hottest first."""
    user = _user(request)
    wanted = request.GET.get("status", "active")
    if wanted not in FILTERS:
        wanted = "active"
    recent = request.GET.get("recent", "1") != "0"
    hotspots = Hotspot.objects.filter(shown(), hub_id__in=actions.hub_ids(user), status__in=FILTERS[wanted])
    if recent:
        hotspots = hotspots.filter(last_at__gte=timezone.now() - window())
    page = Paginator(hotspots.select_related("area", "lead_unit").order_by("-heat", "-last_at", "pk"), PAGE).get_page(
        request.GET.get("page")
    )
    context = {
        "page": page,
        "rank_offset": (page.number - 1) * PAGE,
        "status": wanted,
        "recent": recent,
        "filters": [(key, _label(key)) for key in FILTERS],
        "formula": heat_formula(),
        "window_days": window().days,
    }
    return render(request, "hotspots/list.html", context)


def _label(key: str) -> str:
    return {
        "active": _("待处理"),
        "new": _("新发现"),
        "confirmed": _("已确认"),
        "merged": _("已并单"),
        "dismissed": _("已排除"),
    }[key]


def _hotspot(user: User, pk: int) -> Hotspot:
    found = Hotspot.objects.select_related("area", "lead_unit", "main_order", "hub").filter(pk=pk).first()
    if found is None:
        raise Http404(_("没有这个热点。"))
    if not actions.may_act(user, found):
        raise PermissionDenied(_("这是其他中心的热点。"))
    return found


def _area_links(hotspot: Hotspot) -> dict[str, str]:
    """The area's figures (dashboard with its heat table) and its orders in the hotspot's dates."""
    if hotspot.area_id is None:
        return {}
    first = timezone.localdate(hotspot.first_at)
    last = timezone.localdate(hotspot.last_at)
    period = {"period": "custom", "from": f"{first}", "to": f"{last}", "area": str(hotspot.area_id)}
    return {
        "dashboard": f"{reverse('statistics:dashboard')}?{urlencode(period)}",
        "orders": f"{reverse('statistics:drill')}?{urlencode({**period, 'code': 'accepted'})}",
    }


def _detail_context(
    request: HttpRequest, user: User, hotspot: Hotspot, *, errors: dict[str, str] | None = None
) -> dict[str, Any]:
    orders = list(
        WorkOrder.objects.filter(hotspot_member__hotspot=hotspot)
        .select_related("lead_unit", "area", "parent")
        .order_by("-created_at")[:500]
    )
    mergeable = [o for o in orders if o.state in MOVES["merge"].sources]
    main = hotspot.main_order or actions.default_main(hotspot)
    hub_path = hotspot.hub.path
    units = OrgUnit.objects.filter(active=True, path__startswith=hub_path).exclude(pk=hotspot.hub_id).order_by("path")
    w = HEAT_WEIGHTS
    parts = [
        (_("工单数"), hotspot.order_count, w["orders"]),
        (_("不同来电人数"), hotspot.caller_count, w["callers"]),
        (_("近7日增长"), max(hotspot.growth, 0), w["growth"]),
        (_("紧急件数"), hotspot.urgent_count, w["urgent"]),
    ]
    return {
        "hotspot": hotspot,
        "orders": orders,
        "more_orders": hotspot.order_count > len(orders),
        "mergeable_count": len(mergeable),
        "main": main,
        "candidates": [o for o in orders if o.parent_id is None and o.state not in ("merged", "void", "transferred")],
        "units": units,
        "events": list(hotspot.events.select_related("actor").order_by("-at", "-pk")[:50]),
        "formula": heat_formula(),
        "parts": parts,
        "supports_weight": w["supports"],
        "area_links": _area_links(hotspot),
        "may_merge": actions.may_act(user, hotspot, (Role.DISPATCHER,)),
        "errors": errors or {},
        "posted": request.POST if request.method == "POST" else {},
    }


@login_required
def hotspot_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    hotspot = _hotspot(user, pk)
    return render(request, "hotspots/detail.html", _detail_context(request, user, hotspot))


ACTIONS = ("confirm", "rename", "lead", "merge", "dismiss")


@login_required
def hotspot_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """One of the hub's actions on a hotspot (POST only)."""
    user = _user(request)
    hotspot = _hotspot(user, pk)
    if action not in ACTIONS:
        raise Http404(_("没有这个操作。"))
    if request.method != "POST":
        return redirect("hotspots:detail", pk=hotspot.pk)
    post = request.POST
    try:
        version = int(post.get("version", ""))
    except ValueError:
        version = None
    note = post.get("note", "")
    try:
        if action == "confirm":
            actions.confirm(hotspot, actor=user, note=note, expected_version=version)
            messages.success(request, _("已确认热点。"))
        elif action == "rename":
            actions.rename(hotspot, actor=user, name=post.get("name", ""), expected_version=version)
            messages.success(request, _("已保存热点名称。"))
        elif action == "lead":
            unit_id = post.get("unit", "")
            allowed = OrgUnit.objects.filter(path__startswith=hotspot.hub.path, pk=unit_id if unit_id.isdigit() else 0)
            unit = allowed.first()
            if unit is None:
                raise InvalidInput(_("请选择有效的牵头单位。"), fields={"unit": _("请选择有效的牵头单位。")})
            actions.set_lead_unit(hotspot, actor=user, unit=unit, note=note, expected_version=version)
            messages.success(request, _("已设置牵头单位：%(unit)s。") % {"unit": unit.name})
        elif action == "merge":
            into = WorkOrder.objects.filter(hotspot_member__hotspot=hotspot, number=post.get("into", "")).first()
            _h, merged, skipped = actions.merge(hotspot, actor=user, into=into, note=note, expected_version=version)
            text = _("已将%(n)s件工单并入主单，每位来电人都会收到并单及办理结果的通知。") % {"n": len(merged)}
            if skipped:
                text += _("以下工单已办结或不能并单，未作改动：%(numbers)s。") % {"numbers": "、".join(skipped)}
            messages.success(request, text)
        else:
            actions.dismiss(hotspot, actor=user, reason=note, expected_version=version)
            messages.success(request, _("已排除该热点。"))
    except ActionError as error:
        if isinstance(error, ConflictError):
            messages.warning(request, error.message)
            return redirect("hotspots:detail", pk=hotspot.pk)
        errors = {f"{action}:{name}": message for name, message in error.fields.items()}
        errors.setdefault(f"{action}:", error.message)
        fresh = _hotspot(user, pk)
        return render(request, "hotspots/detail.html", _detail_context(request, user, fresh, errors=errors), status=400)
    return redirect("hotspots:detail", pk=hotspot.pk)
