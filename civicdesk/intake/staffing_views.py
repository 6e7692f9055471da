"""The seat schedule's staffing page: for one hub, day and operator group, each hour's
expected calls, the operators planned and the operators Erlang C suggests. Who may open it:
the hub's admins, dispatchers and leaders (those who read the duty roster of the hub)."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from civicdesk.intake.staffing import day_plan, target_of
from civicdesk.org.models import OrgUnit, User
from civicdesk.org.web import current_user
from civicdesk.worktime.duty import HUB_VIEW
from civicdesk.worktime.models import OperatorGroup


def staffing_hubs(user: User) -> list[OrgUnit]:
    hubs: dict[int, OrgUnit] = {}
    for unit in user.units_with_role(*HUB_VIEW):
        hub = unit if unit.is_hub else unit.hub()
        if hub is not None:
            hubs[hub.pk] = hub
    return sorted(hubs.values(), key=lambda h: h.path)


@login_required
def staffing(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    hubs = staffing_hubs(user)
    if not hubs:
        raise PermissionDenied(_("您没有查看此页面的权限。"))
    chosen = request.GET.get("hub")
    hub = next((h for h in hubs if str(h.pk) == chosen), None) if chosen else hubs[0]
    if hub is None:
        raise Http404(_("没有找到该单位。"))
    groups = list(OperatorGroup.objects.filter(hub=hub))
    group = next((g for g in groups if str(g.pk) == request.GET.get("group")), None)
    try:
        day = date.fromisoformat(request.GET.get("day") or "")
    except ValueError:
        day = timezone.localdate()
    rows = day_plan(hub, day, group)
    context = {
        "hubs": hubs,
        "hub": hub,
        "groups": groups,
        "group": group,
        "day": day,
        "rows": rows,
        "target": target_of(group),
        "short_hours": sum(1 for row in rows if row.short),
    }
    if request.headers.get("HX-Request"):
        return render(request, "intake/_staffing_table.html", context)
    return render(request, "intake/staffing.html", context)
