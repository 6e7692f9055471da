"""Pages for enterprise services: a liaison officer's orders, the enterprise picker of the
intake form, the enterprise board, and the licences of each issuing unit."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from civicdesk.catalogue.tagging import TOPIC_NAME
from civicdesk.enterprises import board as enterprise_board
from civicdesk.enterprises.forms import RenewalForm
from civicdesk.enterprises.liaison import enterprises_of, served_orders
from civicdesk.enterprises.lookup import find_enterprise, search_enterprises
from civicdesk.enterprises.models import Licence, LicenceReminder, LicenceRenewal, ReminderMessage
from civicdesk.enterprises.reminders import renew
from civicdesk.lib.picker import render_picker
from civicdesk.orders.actions import link_enterprise
from civicdesk.orders.errors import ActionError
from civicdesk.orders.permissions import visible_order
from civicdesk.org.models import OrgUnit, Role, User
from civicdesk.org.web import current_user

# Who sees the board: the hub's people who read figures, liaison officers and units (each
# sees only the orders it may open: visible_orders).
BOARD_ROLES = {Role.DISPATCHER, Role.SUPERVISOR, Role.LEADER, Role.ADMIN, Role.LIAISON, Role.HANDLER, Role.UNIT_HEAD}
# Hub-wide roles that may open any issuing unit's licence page under their hub.
_HUB_ROLES = (Role.DISPATCHER, Role.SUPERVISOR, Role.LEADER, Role.ADMIN)
_UNIT_ROLES = (Role.HANDLER, Role.UNIT_HEAD)
EXPIRY_WINDOW_DAYS = 90


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    """我的企业诉求: every order of the companies the officer is stationed at."""
    user = current_user(request)
    if Role.LIAISON not in user.roles:
        raise PermissionDenied(_("只有驻企员可以查看此页面。"))
    orders = served_orders(user).select_related("lead_unit", "category", "enterprise")
    page = Paginator(orders, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "enterprises/mine.html",
        {
            "title": _("我的企业诉求"),
            "page": page,
            "enterprises": enterprises_of(user).order_by("name"),
        },
    )


@login_required
def search(request: HttpRequest) -> HttpResponse:
    """The options of the intake form's enterprise picker (htmx)."""
    user = current_user(request)
    if not user.roles & {Role.OPERATOR, Role.DISPATCHER, Role.LIAISON}:
        raise PermissionDenied(_("您没有受理工单的权限。"))
    found = search_enterprises(user, request.GET.get("q") or request.GET.get("enterprise") or "")
    return render(request, "enterprises/_options.html", {"enterprises": found})


# --- the enterprise board --------------------------------------------------------------


def _day(value: str | None, default: date) -> date:
    try:
        return date.fromisoformat(value or "")
    except ValueError:
        return default


@login_required
def board(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    if not user.roles & BOARD_ROLES:
        raise PermissionDenied(_("您没有查看此页面的权限。"))
    today = timezone.localdate()
    start = _day(request.GET.get("start"), today - timedelta(days=89))
    end = _day(request.GET.get("end"), today)
    if end < start:
        start, end = end, start
    dimension = request.GET.get("by", "enterprise")
    if dimension not in enterprise_board.DIMENSIONS:
        dimension = "enterprise"
    result = enterprise_board.compute(user, start, end, dimension)
    return render(
        request,
        "enterprises/board.html",
        {
            "topic_name": TOPIC_NAME,
            "result": result,
            "start": start,
            "end": end,
            "dimension": dimension,
            "dimensions": [(k, v) for k, v in enterprise_board.DIMENSIONS.items()],
        },
    )


# --- licences per issuing unit ---------------------------------------------------------


def licence_units(user: User) -> list[OrgUnit]:
    """The issuing units whose licence page the user may open: their own units, and every
    unit under a hub where they hold a hub-wide role."""
    units = {u.pk: u for u in user.units_with_role(*_UNIT_ROLES)}
    for hub_unit in user.units_with_role(*_HUB_ROLES):
        for unit in OrgUnit.objects.filter(path__startswith=hub_unit.path, issued_licences__isnull=False).distinct():
            units[unit.pk] = unit
    return sorted(units.values(), key=lambda u: u.path)


def _may_renew(user: User, unit: OrgUnit) -> bool:
    return any(unit.path.startswith(u.path) for u in user.units_with_role(*_UNIT_ROLES, Role.ADMIN))


MINE = "mine"  # the licence page's scope for a liaison officer: their companies' licences


@login_required
def licences(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    units = licence_units(user)
    liaison = Role.LIAISON in user.roles
    chosen = request.GET.get("unit")
    # The picker's empty choice is the liaison officer's own companies (sent as "unit=").
    if liaison and (chosen in (MINE, "") or (not chosen and not units)):
        return render(request, "enterprises/licences.html", _licence_context(user, None, units))
    if not units:
        raise PermissionDenied(_("您没有查看此页面的权限。"))
    unit = next((u for u in units if str(u.pk) == chosen), None) if chosen else units[0]
    if unit is None:
        raise Http404(_("没有找到该发证单位。"))
    return render(request, "enterprises/licences.html", _licence_context(user, unit, units))


def _licence_context(
    user: User, unit: OrgUnit | None, units: list[OrgUnit], form: RenewalForm | None = None, form_for: int | None = None
) -> dict[str, Any]:
    """One issuing unit's licences, or (unit None) those of the companies a liaison officer
    is stationed at, whoever issued them."""
    today = timezone.localdate()
    horizon = today + timedelta(days=EXPIRY_WINDOW_DAYS)
    scope = Q(issuing_unit=unit) if unit is not None else Q(enterprise__in=enterprises_of(user))
    reminders = LicenceReminder.objects.order_by("send_on", "pk").prefetch_related(
        Prefetch("messages", queryset=ReminderMessage.objects.select_related("message").order_by("pk"))
    )
    expiring = list(
        Licence.objects.filter(scope, valid_to__gte=today, valid_to__lte=horizon)
        .select_related("enterprise", "issuing_unit")
        .prefetch_related(Prefetch("reminders", queryset=reminders))
        .order_by("valid_to", "pk")
    )
    for licence in expiring:
        licence.days_left = (licence.valid_to - today).days  # type: ignore[attr-defined]
        licence.current_reminders = [  # type: ignore[attr-defined]
            r for r in licence.reminders.all() if r.valid_to == licence.valid_to
        ]
    since = timezone.now() - timedelta(days=EXPIRY_WINDOW_DAYS)
    renewal_scope = (
        Q(licence__issuing_unit=unit) if unit is not None else Q(licence__enterprise__in=enterprises_of(user))
    )
    renewed = list(
        LicenceRenewal.objects.filter(renewal_scope, renewed_at__gte=since)
        .select_related("licence__enterprise", "renewed_by")
        .order_by("-renewed_at", "-pk")
    )
    renewed_ids = {r.licence_id for r in renewed}
    earlier = list(
        LicenceReminder.objects.filter(licence_id__in=renewed_ids)
        .prefetch_related(
            Prefetch("messages", queryset=ReminderMessage.objects.select_related("message").order_by("pk"))
        )
        .order_by("send_on")
    )
    for renewal in renewed:
        renewal.old_reminders = [  # type: ignore[attr-defined]
            r for r in earlier if r.licence_id == renewal.licence_id and r.valid_to == renewal.old_valid_to
        ]
    expired = Licence.objects.filter(scope, valid_to__lt=today, valid_to__gte=today - timedelta(30))
    return {
        "unit": unit,
        "units": units,
        # The same searchable picker as every other page that chooses a unit.
        "unit_picker": render_picker(
            "unit",
            OrgUnit.objects.filter(pk__in=[u.pk for u in units]).order_by("path"),
            unit.pk if unit is not None else None,
            empty_label=_("我驻点企业的证照") if Role.LIAISON in user.roles else None,
            label=lambda u: u.name,
            attrs={"id": "licence-unit", "class": "form-select form-select-sm", "aria-label": _("发证单位")},
        ),
        "mine": unit is None,
        "liaison": Role.LIAISON in user.roles,
        "expiring": expiring,
        "renewed": renewed,
        "expired": expired.select_related("enterprise").order_by("-valid_to"),
        "may_renew": unit is not None and _may_renew(user, unit),
        "form": form,
        "form_for": form_for,
        "window": EXPIRY_WINDOW_DAYS,
        "today": today,
    }


@login_required
@require_POST
def renew_licence(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    units = licence_units(user)
    licence = (
        Licence.objects.select_related("issuing_unit", "enterprise")
        .filter(pk=pk, issuing_unit__in=[u.pk for u in units])
        .first()
    )
    if licence is None:
        raise Http404(_("没有找到该证照。"))
    if not _may_renew(user, licence.issuing_unit):
        raise PermissionDenied(_("只有发证单位可以登记换证。"))
    form = RenewalForm(request.POST, prefix=f"renew-{licence.pk}")
    if form.is_valid():
        try:
            renew(licence, new_valid_to=form.cleaned_data["new_valid_to"], actor=user, note=form.cleaned_data["note"])
        except ValidationError as error:
            for message in error.message_dict.get("new_valid_to", []):
                form.add_error("new_valid_to", message)
        else:
            messages.success(
                request,
                _("已登记换证：%(licence)s，有效期至 %(day)s。")
                % {"licence": licence, "day": f"{licence.valid_to:%Y-%m-%d}"},
            )
            return redirect(reverse("enterprises:licences") + f"?unit={licence.issuing_unit_id}")
    context = _licence_context(user, licence.issuing_unit, units, form=form, form_for=licence.pk)
    return render(request, "enterprises/licences.html", context, status=400)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """企业服务: where each role starts — an officer's own orders, else the board."""
    user = current_user(request)
    if Role.LIAISON in user.roles:
        return redirect("enterprises:mine")
    if user.roles & BOARD_ROLES:
        return redirect("enterprises:board")
    if licence_units(user):
        return redirect("enterprises:licences")
    raise PermissionDenied(_("您没有查看此页面的权限。"))


@login_required
@require_POST
def link(request: HttpRequest, number: str) -> HttpResponse:
    """Link an order to the enterprise it concerns after intake (the action tags it 涉企)."""
    user = current_user(request)
    order = visible_order(user, number)
    enterprise = find_enterprise(request.POST.get("enterprise", ""))
    if enterprise is None:
        messages.error(request, _("没有找到该企业，请从列表中选择，或输入完整的统一社会信用代码。"))
        return redirect("orders:detail", number=order.number)
    version = request.POST.get("version", "")
    try:
        link_enterprise(
            order, actor=user, enterprise=enterprise, expected_version=int(version) if version.isdigit() else None
        )
    except ActionError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("已关联企业：%(name)s。") % {"name": enterprise.name})
    return redirect("orders:detail", number=order.number)
