"""What the hub's and the units' order pages share: htmx fragments or whole pages, paging,
the units a hub dispatches to, each order's latest event of a kind, and deadline countdowns."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from civicdesk.lib.markup import escaped
from civicdesk.lib.worktime import LimitUnit, WorkCalendar
from civicdesk.orders import deadlines
from civicdesk.orders.models import OrderEvent, WorkOrder
from civicdesk.orders.workflow import State
from civicdesk.org.models import OrgUnit, Role, User, dispatch_targets
from civicdesk.worktime.models import Stage

PAGE_SIZE = 50


def form_fields_html(form: forms.BaseForm) -> SafeString:
    """A form's errors and fields as orders/_form_fields.html writes them, character for
    character, for a list that draws a form in every row (supervision): the include and its
    loops cost more than the widgets themselves (lib.formrender writes those)."""
    e = escaped
    out = [
        f'<div class="alert alert-danger py-1 mb-2" role="alert">{e(str(error))}</div>'
        for error in form.non_field_errors()
    ]
    out.append("\n")
    out += [str(field) for field in form.hidden_fields()]
    out.append("\n")
    for field in form.visible_fields():
        label_for = e(field.id_for_label)
        required = ' <span class="text-danger">*</span>' if field.field.required else ""
        out.append(
            f'\n<div class="mb-2">\n  <label class="form-label mb-0" for="{label_for}">'
            f"{e(field.label)}{required}</label>\n  "
        )
        if field.help_text:
            out.append(
                '<div class="form-text mt-0 mb-1 text-body" style="white-space: pre-wrap" '
                f'id="{label_for}_help">{e(field.help_text)}</div>'
            )
        out.append("\n  ")
        out.append(f'<div class="is-invalid-wrap">{field}</div>' if field.errors else str(field))
        out.append("\n  ")
        out += [f'<div class="field-error" role="alert">{e(str(error))}</div>' for error in field.errors]
        out.append("\n</div>\n")
    out.append("\n")
    return mark_safe("".join(out))  # noqa: S308 -- the values are escaped as the template did


def is_htmx(request: HttpRequest) -> bool:
    # A history restore wants the whole page back, not a fragment.
    return request.headers.get("HX-Request") == "true" and not request.headers.get("HX-History-Restore-Request")


def respond(request: HttpRequest, page: str, fragment: str, context: dict[str, Any], status: int = 200) -> HttpResponse:
    template = fragment if is_htmx(request) else page
    response = render(request, template, context, status=status)
    patch_vary_headers(response, ("HX-Request",))
    return response


def row_auto_id(order: WorkOrder) -> str:
    # Many rows carry the same form; ids must stay unique for the labels to point right.
    return f"id_{order.number}_%s"


def hub_units(user: User) -> QuerySet[OrgUnit]:
    """The units the user's hubs may dispatch to: everything below each hub but the hub, and
    for a hub below it the hub itself, not its units (org.models.dispatch_targets)."""
    return dispatch_targets(user.units_with_role(Role.DISPATCHER))


def latest_events(orders: list[WorkOrder], action: str) -> dict[int, OrderEvent]:
    latest: dict[int, OrderEvent] = {}
    events = (
        OrderEvent.objects.filter(order__in=[o.pk for o in orders], action=action)
        .select_related("actor", "acting_unit")
        .order_by("order_id", "-seq")
    )
    for event in events:
        latest.setdefault(event.order_id, event)
    return latest


def page_of(request: HttpRequest, orders: QuerySet[Any], name: str = "page", count: int | None = None) -> Page[Any]:
    """The requested page of `orders`; `count`: their number where the page has already
    counted them (a tab's count), so that the paginator does not count them again."""
    paginator = Paginator(orders, PAGE_SIZE)
    if count is not None:
        paginator.count = count
    return paginator.get_page(request.GET.get(name))


def _number(value: float) -> str:
    return f"{round(value, 1):g}"


def _working_amount(minutes: float, per_day: int) -> str:
    if minutes >= per_day:
        return _("%(n)s 个工作日") % {"n": _number(minutes / per_day)}
    if minutes >= 60:
        return _("%(n)s 个工作小时") % {"n": _number(minutes / 60)}
    return _("%(n)s 分钟") % {"n": max(1, round(minutes))}


def _wall_amount(hours: float) -> str:
    if hours >= 48:
        return _("%(n)s 天") % {"n": _number(hours / 24)}
    if hours >= 1:
        return _("%(n)s 小时") % {"n": _number(hours)}
    return _("%(n)s 分钟") % {"n": max(1, round(hours * 60))}


def countdown(due: datetime | None, now: datetime, unit: LimitUnit, calendar: WorkCalendar) -> str:
    """ "剩余 1.5 个工作日" / "已超期 3 个工作小时": the time left (or past) in the unit the
    limit is counted in, so working-day limits never count nights and holidays."""
    if due is None:
        return ""
    if unit is LimitUnit.CALENDAR_HOURS:
        hours = (due - now).total_seconds() / 3600
        if hours > 0:
            return _("剩余 %(t)s") % {"t": _wall_amount(hours)}
        return _("已超期 %(t)s") % {"t": _wall_amount(-hours)}
    if due > now:
        minutes = calendar.working_minutes_between(now, due)
        if minutes < 1:
            return _("下一个工作时段开始即到期")
        return _("剩余 %(t)s") % {"t": _working_amount(minutes, calendar.minutes_per_day)}
    minutes = calendar.working_minutes_between(due, now)
    if minutes < 1:
        return _("已超期（非工作时间内到期）")
    return _("已超期 %(t)s") % {"t": _working_amount(minutes, calendar.minutes_per_day)}


def handle_countdown(order: WorkOrder, now: datetime, calendar: WorkCalendar) -> str:
    if order.state == State.SUSPENDED:
        return _("已挂起，计时暂停")
    return countdown(order.handle_due_at, now, deadlines.limit(order, Stage.HANDLE).unit, calendar)
