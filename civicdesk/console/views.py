"""Sign-in, the home page each role starts from, and the admin's entry page."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from civicdesk.console import navigation
from civicdesk.console.forms import OwnPasswordForm
from civicdesk.enterprises.liaison import served_orders
from civicdesk.lib.paging import capped_count
from civicdesk.orders import queues
from civicdesk.orders.workflow import State
from civicdesk.org.models import Role, User
from civicdesk.org.web import current_user
from civicdesk.runtime.health import health
from civicdesk.worktime.duty import gaps_for

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


FAVICON = Path(__file__).resolve().parent / "static" / "console" / "favicon.ico"


def favicon(request: HttpRequest) -> FileResponse:
    """/favicon.ico, which browsers ask for whatever the page says: the console's own icon,
    cached for a day (a 404 here fills the logs and the browser console)."""
    response = FileResponse(FAVICON.open("rb"), content_type="image/x-icon")
    response["Cache-Control"] = "public, max-age=86400"
    return response


class LoginView(auth_views.LoginView):
    template_name = "console/login.html"
    redirect_authenticated_user = True


class PasswordChangeView(auth_views.PasswordChangeView):
    """Staff change their own password (old one, new one twice; Django's validators). Also
    the page a person is sent to after an administrator reset their password."""

    template_name = "console/password.html"
    form_class = OwnPasswordForm

    def get_success_url(self) -> str:
        return reverse("console:home")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)  # saves the password, keeps this session signed in
        user: User = form.user
        if user.must_change_password:
            user.must_change_password = False
            user.save(update_fields=["must_change_password"])
        messages.success(self.request, _("密码已修改。"))
        return response


# How many orders a home panel lists.
PANEL_ROWS = 8


def _panel(
    title: str, orders: Any, link: str, empty: str, limit: int = PANEL_ROWS, query: str = "", count: int | None = None
) -> dict[str, Any]:
    """A queue on the home page: its size (`count` where it was counted with others; else
    counted as the menu's badge counts it, "99+" past the badge's cap: a unit's or the callback
    desk's queue grows with the center, the home page is opened all day, and the panel shows
    eight orders; the exact size is on the queue's own page) and its first `limit` orders."""
    if count is None:
        cap = navigation.BADGE_CAP
        found = capped_count(orders, cap)
        shown: int | str = f"{cap:,}+" if found > cap else found
    else:
        shown = count
    return {
        "url": reverse(link) + query,
        "title": title,
        "count": shown,
        "orders": list(_first(orders, link, limit)),
        "link": link,
        "empty": empty,
    }


def _first(orders: Any, link: str, limit: int) -> Any:
    """A panel's first orders; the hub's desk's by id first (queues.first_by_id: its index
    holds their scope and order, so a long queue's rows are not all read to sort them)."""
    if link == "orders:dispatch_board":
        # By id as well: orders received at the same moment keep one order in both queries.
        ordering = (*orders.query.order_by, "pk")
        chosen = queues.first_by_id(orders.order_by(*ordering), 0, limit)
        return chosen.select_related("lead_unit").order_by(*ordering)
    return orders.select_related("lead_unit")[:limit]


# Each role's queues on the home page: (roles that see it, title, queue, page, tab, when empty).
# Queues are looked up when the page is drawn, so the queues module stays the one source.
_PANELS: list[tuple[set[str], StrOrPromise, Callable[[User], Any], str, str, StrOrPromise]] = [
    (
        {Role.OPERATOR, Role.LIAISON},
        gettext_lazy("我今天受理的工单"),
        lambda u: queues.taken_today(u),
        "intake:new",
        "",
        gettext_lazy("今天还没有受理工单"),
    ),
    (
        {Role.LIAISON},
        gettext_lazy("我的企业诉求"),
        lambda u: served_orders(u),
        "enterprises:mine",
        "",
        gettext_lazy("驻点企业暂无诉求"),
    ),
    (
        {Role.DISPATCHER},
        gettext_lazy("待派单"),
        lambda u: queues.pending_dispatch(u),
        "orders:dispatch_board",
        "",
        gettext_lazy("没有待派单工单"),
    ),
    (
        {Role.DISPATCHER},
        gettext_lazy("退单审核"),
        lambda u: queues.review_queue(u, State.RETURN_REQUESTED),
        "orders:dispatch_board",
        "?tab=returns",
        gettext_lazy("没有待审核的退单"),
    ),
    (
        {Role.DISPATCHER},
        gettext_lazy("延期审核"),
        lambda u: queues.review_queue(u, State.EXTENSION_REQUESTED),
        "orders:dispatch_board",
        "?tab=extensions",
        gettext_lazy("没有待审核的延期"),
    ),
    (
        {Role.DISPATCHER},
        gettext_lazy("答复审核"),
        lambda u: queues.review_queue(u, State.REPLIED),
        "orders:dispatch_board",
        "?tab=replies",
        gettext_lazy("没有待审核的答复"),
    ),
    (
        {Role.HANDLER, Role.UNIT_HEAD},
        gettext_lazy("本单位待办（按时限）"),
        # As much of the inbox as its first orders and the count up to the cap need.
        lambda u: queues.unit_inbox(u, first=max(navigation.BADGE_CAP + 1, PANEL_ROWS)),
        "orders:inbox",
        "",
        gettext_lazy("没有待办工单"),
    ),
    (
        {Role.CALLBACK_AGENT},
        gettext_lazy("待回访"),
        lambda u: queues.callback_queue(u),
        "orders:callbacks",
        "",
        gettext_lazy("没有待回访工单"),
    ),
    (
        {Role.SUPERVISOR, Role.LEADER},
        gettext_lazy("已超期"),
        lambda u: queues.overdue(u),
        "orders:supervision",
        "",
        gettext_lazy("没有超期工单"),
    ),
    (
        {Role.SUPERVISOR, Role.LEADER},
        gettext_lazy("临期"),
        lambda u: queues.near_due(u),
        "orders:supervision",
        "",
        gettext_lazy("没有临期工单"),
    ),
]


# The dispatcher's panels by (page, tab), and the review state each one lists.
_DISPATCHER_REVIEWS = {
    "?tab=returns": State.RETURN_REQUESTED,
    "?tab=extensions": State.EXTENSION_REQUESTED,
    "?tab=replies": State.REPLIED,
}


def _dispatcher_counts(user: User) -> dict[tuple[str, str], int]:
    counts = queues.hub_queue_counts(user, _DISPATCHER_REVIEWS)
    return {
        ("orders:dispatch_board", key): counts["pending" if key == "" else key] for key in ("", *_DISPATCHER_REVIEWS)
    }


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    roles = user.roles
    # A dispatcher's four queues are counted in one query (the dispatch board's tab counts).
    counted = _dispatcher_counts(user) if Role.DISPATCHER in roles else {}
    panels = [
        _panel(str(title), queue(user), link, str(empty), query=query, count=counted.get((link, query)))
        for allowed, title, queue, link, query, empty in _PANELS
        if roles & allowed
    ]
    # On a non-working day, what arrived at the unit a person is on duty for comes first.
    on_duty = queues.on_duty_orders(user)
    if on_duty.exists():
        panels.insert(0, _panel(_("值班期间到达的工单"), on_duty, "console:home", ""))
    return render(
        request,
        "console/home.html",
        {
            "panels": panels,
            "no_roles": not roles,
            "duty_gaps": gaps_for(user),
            "may_edit_roster": Role.ADMIN in roles,
            # Failing sweeps and messages waiting for a person are the admin's to act on.
            "health": health() if Role.ADMIN in roles else None,
        },
    )


@login_required
def manage(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    if Role.ADMIN not in user.roles:
        raise PermissionDenied(_("您没有查看此页面的权限。"))
    return render(request, "console/manage.html", {"health": health()})
