"""Sign-in, the home page each role starts from, and the admin's entry page."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from civicdesk.orders import queues
from civicdesk.orders.workflow import State
from civicdesk.org.models import Role, User


class LoginView(auth_views.LoginView):
    template_name = "console/login.html"
    redirect_authenticated_user = True


def _panel(title: str, orders: Any, link: str, empty: str, limit: int = 8, query: str = "") -> dict[str, Any]:
    return {
        "url": reverse(link) + query,
        "title": title,
        "count": orders.count(),
        "orders": list(orders.select_related("lead_unit")[:limit]),
        "link": link,
        "empty": empty,
    }


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    roles = user.roles
    panels = []
    if roles & {Role.OPERATOR, Role.LIAISON}:
        panels.append(_panel(_("我今天受理的工单"), queues.taken_today(user), "intake:new", _("今天还没有受理工单")))
    if Role.DISPATCHER in roles:
        panels.append(_panel(_("待派单"), queues.pending_dispatch(user), "orders:dispatch_board", _("没有待派单工单")))
        panels.append(
            _panel(
                _("退单审核"),
                queues.review_queue(user, State.RETURN_REQUESTED),
                "orders:dispatch_board",
                _("没有待审核的退单"),
                query="?tab=returns",
            )
        )
        panels.append(
            _panel(
                _("延期审核"),
                queues.review_queue(user, State.EXTENSION_REQUESTED),
                "orders:dispatch_board",
                _("没有待审核的延期"),
                query="?tab=extensions",
            )
        )
        panels.append(
            _panel(
                _("答复审核"),
                queues.review_queue(user, State.REPLIED),
                "orders:dispatch_board",
                _("没有待审核的答复"),
                query="?tab=replies",
            )
        )
    if roles & {Role.HANDLER, Role.UNIT_HEAD}:
        panels.append(_panel(_("本单位待办（按时限）"), queues.unit_inbox(user), "orders:inbox", _("没有待办工单")))
    if Role.CALLBACK_AGENT in roles:
        panels.append(_panel(_("待回访"), queues.callback_queue(user), "orders:callbacks", _("没有待回访工单")))
    if roles & {Role.SUPERVISOR, Role.LEADER}:
        panels.append(_panel(_("已超期"), queues.overdue(user), "orders:supervision", _("没有超期工单")))
        panels.append(_panel(_("临期"), queues.near_due(user), "orders:supervision", _("没有临期工单")))
    return render(request, "console/home.html", {"panels": panels, "no_roles": not roles})


@login_required
def manage(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    if Role.ADMIN not in user.roles:
        raise PermissionDenied(_("您没有查看此页面的权限。"))
    return render(request, "console/manage.html")
