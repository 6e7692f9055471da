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
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.timesince import timesince
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from civicdesk.lib.markup import escaped
from civicdesk.lib.paging import CappedPaginator
from civicdesk.lib.reversing import number_url
from civicdesk.orders import queues
from civicdesk.orders.copies import from_the_copies
from civicdesk.orders.errors import ActionError, ConflictError
from civicdesk.orders.forms import ACTION_FORMS, ActionForm
from civicdesk.orders.models import DeadlineStatus, WorkOrder
from civicdesk.orders.permissions import can, visible_order
from civicdesk.orders.templatetags.orders_tags import deadline_badge, minute
from civicdesk.orders.views.common import (
    PAGE_SIZE,
    form_fields_html,
    is_htmx,
    page_of,
    respond,
    row_auto_id,
)
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
        "near": _by_unit(queues.near_due(user, now, counting_all=True)),
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


def row_html(row: EscalateRow, csrf_token: str) -> SafeString:
    """One supervision row (<tr>) as orders/hub/_supervision_row.html wrote it, character for
    character, written here rather than by a template with a form template inside: a page
    draws fifty, and the two templates' look-ups and tags were most of the page's CPU (issue
    #20). The template's own words ({% translate %}) were not escaped, its values were."""
    o = row.order
    e = escaped
    number = e(o.number)
    done = ' class="table-success"' if row.notice and row.notice_level == "success" else ""
    out = [
        f'\n<tr id="sv-{number}"{done}>\n'
        f'  <td><a href="{e(number_url("orders:detail", o.number))}">{number}</a>'
        f'<div class="small">{e(Truncator(o.title).chars(28))}</div>\n    '
    ]
    if o.notice_open:
        out.append(f'<div class="small"><span class="badge bg-warning text-dark">{e(o.notice_number)}</span> ')
        if o.notice_escalated_at:
            out.append(f'<span class="text-danger">{_("超期未答复")}</span>')
        else:
            out.append(_("%(due)s 前答复") % {"due": e(minute(o.notice_due_at, year=False))})
        out.append("</div>")
    unit = e(o.lead_unit.name if o.lead_unit else "") or "—"
    out.append(
        f'</td>\n  <td class="small">{unit}</td>\n'
        f'  <td class="small text-nowrap">{e(o.get_state_display())}</td>\n'
        f'  <td class="small">{deadline_badge(o)} {minute(o.handle_due_at, year=False)}\n    '
    )
    if o.deadline_status() == DeadlineStatus.OVERDUE:
        since = timesince(o.handle_due_at) if o.handle_due_at else ""
        out.append(f'<div class="deadline-overdue">{_("已超 %(d)s") % {"d": e(since)}}</div>')
    level = o.supervision_level
    out.append(f'</td>\n  <td data-level="{level}">')
    if level:
        out.append(f'<span class="badge bg-danger">{_("%(level)s 级") % {"level": level}}</span>')
    else:
        out.append("—")
    out.append("</td>\n  <td>\n    ")
    if row.notice:
        role = "status" if row.notice_level == "success" else "alert"
        out.append(
            f'<div class="alert alert-{e(row.notice_level)} py-1 px-2 mb-1 small" role="{role}">{e(row.notice)}</div>'
        )
    out.append("\n    ")
    if row.may_escalate:
        url = e(number_url("orders:hub_escalate", o.number))
        back = f'<input type="hidden" name="next" value="{e(row.back)}">' if row.back else ""
        csrf = format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', csrf_token)
        fields = form_fields_html(row.form) if row.form is not None else ""
        out.append(
            f"\n    <details{' open' if row.open else ''}>\n"
            f'      <summary class="btn btn-sm btn-outline-warning py-0">{_("督办")}</summary>\n'
            f'      <form method="post" action="{url}" class="border rounded p-2 mt-1 bg-white"\n'
            f'            hx-post="{url}" hx-target="closest tr" hx-swap="outerHTML">\n'
            f"        {csrf}\n"
            f"        {fields}\n"
            f"        {back}\n"
            f'        <button class="btn btn-sm btn-warning" type="submit">{_("督办并升级")}</button>\n'
            "      </form>\n    </details>\n    "
        )
    out.append("\n  </td>\n</tr>\n\n")
    return mark_safe("".join(out))  # noqa: S308 -- every value above is escaped as the template did


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
        page = page_of(request, lists[listing], count=counts[listing])
        # The rows' units and category from the process's copies, not joined into the look-up.
        page.object_list = from_the_copies(page.object_list)
        context["page"] = page
        token = get_token(request)
        context["rows"] = [
            row_html(EscalateRow(user, o, (bound or {}).get(o.number), back=back), token) for o in page.object_list
        ]
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
        return HttpResponse(
            row_html(EscalateRow(user, current, bound, notice, level, back=back), get_token(request)), status=status
        )

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
