"""Supervision (督办): overdue and near-due orders by unit, flagged orders and deadline
notices, and escalating an order with a supervision note."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from civicdesk.lib.paging import CappedPaginator
from civicdesk.orders import queues
from civicdesk.orders.errors import ActionError, ConflictError
from civicdesk.orders.forms import ACTION_FORMS, ActionForm
from civicdesk.orders.models import WorkOrder
from civicdesk.orders.permissions import can, visible_order
from civicdesk.orders.views.common import PAGE_SIZE, is_htmx, page_of, respond, row_auto_id
from civicdesk.orders.workflow import MOVES
from civicdesk.org.models import OrgUnit, Role, User
from civicdesk.org.web import current_user, require_role, safe_next

SUPERVISION_ROLES = (Role.SUPERVISOR, Role.LEADER, Role.DISPATCHER)


SUPERVISION_LISTS = {
    "overdue": gettext_lazy("已超期"),
    "near": gettext_lazy("临期"),
    "flagged": gettext_lazy("已督办"),
    "notices": gettext_lazy("预警通知"),
    "objections": gettext_lazy("退单异议待复核"),
    "formal": gettext_lazy("督办单待答复"),
}
UNIT_SORT_LABELS = {
    "unit": gettext_lazy("承办单位"),
    "overdue": gettext_lazy("超期"),
    "near": gettext_lazy("临期"),
    "flagged": gettext_lazy("已督办"),
}
UNIT_SORTS = tuple(UNIT_SORT_LABELS)


def _by_unit(orders: QuerySet[WorkOrder]) -> dict[int | None, int]:
    # COUNT(*), not of the id: the counts are then read from the index alone (order_hub_watched_due).
    return dict(orders.order_by().values_list("lead_unit").annotate(n=Count("*")))


def _unit_counts(user: User, now: datetime) -> dict[str, dict[int | None, int]]:
    """Overdue, near-due and flagged orders per lead unit (the table; summed, the tabs)."""
    return {
        "overdue": _by_unit(queues.overdue(user, now)),
        "near": _by_unit(queues.near_due(user, now)),
        "flagged": _by_unit(queues.flagged(user)),
    }


def _unit_table(counts: dict[str, dict[int | None, int]], sort: str, descending: bool) -> list[dict[str, Any]]:
    ids = {pk for table in counts.values() for pk in table}
    names = {u.pk: u.name for u in OrgUnit.objects.filter(pk__in=[i for i in ids if i is not None])}
    rows = [
        {
            "unit_id": pk,
            "unit": names.get(pk, _("（无主办单位）")) if pk is not None else _("（无主办单位）"),
            **{key: table.get(pk, 0) for key, table in counts.items()},
        }
        for pk in ids
    ]
    if sort == "unit":
        rows.sort(key=lambda r: str(r["unit"]), reverse=descending)
    else:
        rows.sort(key=lambda r: (r[sort], r["overdue"], str(r["unit"])), reverse=descending)
    return rows


class EscalateRow:
    def __init__(
        self,
        user: User,
        order: WorkOrder,
        form: ActionForm | None = None,
        notice: str = "",
        level: str = "success",
        back: str = "",
    ) -> None:
        self.order = order
        self.back = back
        self.may_escalate = can(user, order, "supervise") and order.state in MOVES["supervise"].sources
        self.form = form or (
            ACTION_FORMS["supervise"].form(
                order=order, initial={"version": order.version}, prefix="supervise", auto_id=row_auto_id(order)
            )
            if self.may_escalate
            else None
        )
        self.open = form is not None
        self.notice = notice
        self.notice_level = level


def _supervision_context(
    request: HttpRequest, user: User, *, bound: dict[str, ActionForm] | None = None
) -> dict[str, Any]:
    now = timezone.now()
    sort = str(request.GET.get("sort")) if request.GET.get("sort") in UNIT_SORTS else "overdue"
    descending = request.GET.get("dir", "desc" if sort != "unit" else "asc") != "asc"
    listing = str(request.GET.get("list")) if request.GET.get("list") in SUPERVISION_LISTS else "overdue"
    unit_raw = request.GET.get("unit") or ""
    unit = OrgUnit.objects.filter(pk=int(unit_raw)).first() if unit_raw.isdigit() else None
    lists = {
        "overdue": queues.overdue(user, now),
        "near": queues.near_due(user, now),
        "flagged": queues.flagged(user),
        "objections": queues.objections(user),
        "formal": queues.formal_notices(user),
    }
    if unit is not None:
        lists = {key: qs.filter(lead_unit=unit) for key, qs in lists.items()}
    notices = queues.supervision_notices(user).select_related("order", "order__lead_unit")
    if unit is not None:
        notices = notices.filter(order__lead_unit=unit)
    by_unit = _unit_counts(user, now)
    # The table's figures, summed, are the first three tabs' counts: not counted again.
    counts: dict[str, Any] = {
        key: table.get(unit.pk, 0) if unit is not None else sum(table.values()) for key, table in by_unit.items()
    }
    counts.update({key: lists[key].count() for key in ("objections", "formal")})
    # The deadline watch's notices pile up with the history: counted up to a cap ("1,000+").
    notice_pages = CappedPaginator(notices, PAGE_SIZE)
    counts["notices"] = notice_pages.count_label
    back = reverse("orders:supervision") + (f"?{request.GET.urlencode()}" if request.GET else "")
    sort_links = []
    for key, label in UNIT_SORT_LABELS.items():
        active = key == sort
        flip = "asc" if active and descending else "desc"
        if not active and key == "unit":
            flip = "asc"
        query = request.GET.copy()
        query.pop("page", None)
        query["sort"], query["dir"] = key, flip
        sort_links.append({"key": key, "label": label, "active": active, "query": query.urlencode()})
    context: dict[str, Any] = {
        "units": _unit_table(by_unit, sort, descending),
        "sort": sort,
        "descending": descending,
        "sort_links": sort_links,
        "listing": listing,
        "unit": unit,
        "tabs": [
            {"key": k, "label": label, "count": counts[k], "active": k == listing}
            for k, label in SUPERVISION_LISTS.items()
        ],
    }
    if listing == "notices":
        context["page"] = notice_pages.get_page(request.GET.get("page"))
    else:
        page = page_of(request, lists[listing].select_related("lead_unit", "category", "hub"), count=counts[listing])
        context["page"] = page
        context["rows"] = [EscalateRow(user, o, (bound or {}).get(o.number), back=back) for o in page.object_list]
    query = request.GET.copy()
    query.pop("page", None)
    context["query"] = query.urlencode()
    return context


@login_required
def supervision(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    require_role(user, SUPERVISION_ROLES)
    return respond(
        request, "orders/hub/supervision.html", "orders/hub/_supervision.html", _supervision_context(request, user)
    )


@login_required
@require_POST
def escalate(request: HttpRequest, number: str) -> HttpResponse:
    """督办 one order with a note: its supervision level goes up by one."""
    user = current_user(request)
    require_role(user, SUPERVISION_ROLES)
    order = visible_order(user, number)
    if not can(user, order, "supervise"):
        raise PermissionDenied(_("只有本中心的督办员可以督办。"))
    spec = ACTION_FORMS["supervise"]
    form = spec.form(request.POST, order=order, prefix="supervise", auto_id=row_auto_id(order))
    back = safe_next(request, reverse("orders:supervision"))

    def row(
        current: WorkOrder, status: int, *, bound: ActionForm | None = None, notice: str = "", level: str = "warning"
    ) -> HttpResponse:
        context = {"row": EscalateRow(user, current, bound, notice, level, back=back)}
        return render(request, "orders/hub/_supervision_row.html", context, status=status)

    if not form.is_valid():
        if is_htmx(request):
            return row(order, 400, bound=form)
        context = _supervision_context(request, user, bound={order.number: form})
        return render(request, "orders/hub/supervision.html", context, status=400)
    try:
        spec.perform(order, actor=user, expected_version=form.cleaned_data["version"], **form.params())
    except ConflictError as error:
        fresh = visible_order(user, number)
        if is_htmx(request):
            return row(fresh, 409, notice=error.message_for(user))
        messages.warning(request, error.message_for(user))
        return redirect(back)
    except ActionError as error:
        form.add_error("note" if "note" in error.fields else None, error.fields.get("note", error.message_for(user)))
        fresh = visible_order(user, number)
        data = request.POST.copy()
        data["supervise-version"] = str(fresh.version)
        form.data = data
        if is_htmx(request):
            return row(fresh, 400, bound=form)
        context = _supervision_context(request, user, bound={number: form})
        return render(request, "orders/hub/supervision.html", context, status=400)
    fresh = visible_order(user, number)
    done = _("已督办 %(number)s，督办级别 %(level)s。") % {"number": number, "level": fresh.supervision_level}
    if is_htmx(request):
        return row(fresh, 200, notice=done, level="success")
    messages.success(request, done)
    return redirect(back)
