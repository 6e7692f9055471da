"""Pages of parallel approval: the applications a person may see, one application's status
(every department's state and deadline on one page), and the statistics. The moves are made on
the order's page, like every move."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from civicdesk.approvals.models import Application
from civicdesk.approvals.status import figures, status_of, visible_applications
from civicdesk.orders.permissions import visible_order
from civicdesk.org.models import User
from civicdesk.org.web import current_user


def _staff(request: HttpRequest) -> User:
    user = current_user(request)
    if not user.roles:
        raise PermissionDenied(_("您没有查看此页面的权限。"))
    return user


@login_required
def applications(request: HttpRequest) -> HttpResponse:
    user = _staff(request)
    found = visible_applications(user).select_related("order__hub", "order__lead_unit", "enterprise")
    enterprise = request.GET.get("enterprise", "")
    if enterprise.isdigit():  # one company's applications (from its page of measures)
        found = found.filter(enterprise_id=int(enterprise))
    rows = [status_of(user, a) for a in found[:100]]
    return render(request, "approvals/list.html", {"rows": rows})


@login_required
def status(request: HttpRequest, number: str) -> HttpResponse:
    user = _staff(request)
    order = visible_order(user, number)
    application = Application.objects.filter(order=order).select_related("order__hub", "enterprise").first()
    if application is None:
        raise Http404(_("该工单不是并联审批申请。"))
    return render(request, "approvals/status.html", {"s": status_of(user, application), "now": timezone.now()})


@login_required
def stats(request: HttpRequest) -> HttpResponse:
    user = _staff(request)
    return render(request, "approvals/stats.html", {"f": figures(user)})
