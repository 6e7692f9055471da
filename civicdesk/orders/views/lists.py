"""The queue pages: search. (The unit inbox and the callback queue live in orders.views.unit;
the dispatch board, its review queues and supervision in orders.views.hub.)"""

from __future__ import annotations

import re

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from civicdesk.orders.models import WorkOrder
from civicdesk.orders.permissions import identity_visible, visible_orders
from civicdesk.orders.workflow import State
from civicdesk.org.models import User

PAGE_SIZE = 50


def _require(user: User, *roles: str) -> None:
    if not user.roles & set(roles):
        raise PermissionDenied(_("您没有查看此页面的权限。"))


def _page(request: HttpRequest, orders: QuerySet[WorkOrder]) -> object:
    orders = orders.select_related("lead_unit", "category", "area")
    return Paginator(orders, PAGE_SIZE).get_page(request.GET.get("page"))


def _render(request: HttpRequest, title: str, sections: list[tuple[str, object]], **extra: object) -> HttpResponse:
    return render(request, "orders/queue.html", {"title": title, "sections": sections, **extra})


_NUMBER = re.compile(r"^\d{13}$")
_PHONE = re.compile(r"^\+?\d[\d\- ]{3,18}$")


@login_required
def search(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    query = (request.GET.get("q") or "").strip()[:100]
    orders = visible_orders(user)
    if query:
        if _NUMBER.match(query):
            orders = orders.filter(number=query)
        elif _PHONE.match(query):
            orders = orders.filter(identity_visible(user), citizen_phone__contains=re.sub(r"[\s\-]", "", query))
        else:
            condition = Q()
            for word in query.split():
                condition &= Q(title__contains=word) | Q(content__contains=word) | Q(address__contains=word)
            orders = orders.filter(condition)
    state = request.GET.get("state")
    if state in State.values:
        orders = orders.filter(state=state)
    orders = orders.order_by("-created_at")
    return _render(
        request,
        _("工单查询"),
        [(_("查询结果"), _page(request, orders))],
        query=query,
        search=True,
        states=State.choices,
        chosen_state=state or "",
    )
