"""Pages of parallel approval: opening an application, the applications a person may see,
one application's status (every department's state and deadline on one page), and the
statistics. The moves are made on the order's page, like every move."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from civicdesk.approvals.actions import open_application
from civicdesk.approvals.forms import OpenApplicationForm, enterprise_options
from civicdesk.approvals.models import Application
from civicdesk.approvals.status import figures, status_of, visible_applications
from civicdesk.orders.actions.intake import operator_may_dispatch
from civicdesk.orders.errors import ActionError
from civicdesk.orders.permissions import intake_unit, visible_order
from civicdesk.org.models import OrgUnit, Role, User
from civicdesk.org.web import current_user

# Where the action's refusals go on the form (the order's own fields under the form's names).
_FIELD_OF = {"title": "name", "departments": "unit_1", "part_days_by_unit": "unit_1", "assisting_units": "unit_1"}


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
    return render(request, "approvals/list.html", {"rows": rows, "may_open": may_open(user)})


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
    return render(request, "approvals/stats.html", {"f": figures(user), "may_open": may_open(user)})


def opening_hub(user: User) -> OrgUnit:
    """The hub whose departments `user` may send an application to, or PermissionDenied.

    Opening takes the application in and dispatches it at once: the hub's dispatchers may,
    and the intake side (operators at the enterprise desk, liaison officers for their
    companies) where the center lets the intake side dispatch — the core's own rule."""
    if not user.roles & {Role.DISPATCHER, Role.OPERATOR, Role.LIAISON}:
        raise PermissionDenied(_("只有派单员、话务员和驻企员可以申请并联审批。"))
    if Role.DISPATCHER not in user.roles and not operator_may_dispatch():
        raise PermissionDenied(_("本中心不允许话务员直接派单，并联审批申请请交派单员办理。"))
    try:
        _unit, hub = intake_unit(user, None)
    except ActionError as exc:
        raise PermissionDenied(exc.message) from None
    return hub


def may_open(user: User) -> bool:
    try:
        opening_hub(user)
    except PermissionDenied:
        return False
    return True


def _refused(form: OpenApplicationForm, exc: ActionError) -> None:
    """The action's refusal next to the field it is about; the rest at the top."""
    placed = False
    for name, message in exc.fields.items():
        target = _FIELD_OF.get(name, name)
        if target in form.fields:
            form.add_error(target, message)
            placed = True
    if not placed:
        form.add_error(None, exc.message)


@login_required
@require_http_methods(["GET", "POST"])
def new(request: HttpRequest) -> HttpResponse:
    """Open an application (申请并联审批): all or nothing; what was typed comes back with the
    reasons when it is refused."""
    user = current_user(request)
    hub = opening_hub(user)
    # From a company's page: the company already chosen.
    initial = {"enterprise": (request.GET.get("enterprise") or "")[:220]}
    form = OpenApplicationForm(request.POST or None, initial=initial, user=user, hub=hub)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            application = open_application(
                actor=user,
                enterprise=data["enterprise"],
                name=data["name"],
                kind=data["kind"],
                content=data["content"],
                lead_unit=data["lead_unit"],
                lead_days=data["lead_days"],
                departments=data["departments"],
            )
        except ActionError as exc:
            _refused(form, exc)
        else:
            messages.success(
                request,
                _("已发起并联审批，申请编号 %(number)s；企业可凭申请编号和联系电话后四位在网上门户查询各部门进度。")
                % {"number": application.order.number},
            )
            return redirect("approvals:status", number=application.order.number)
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "hub": hub, "enterprise_options": enterprise_options(user), "may_open": True}
    return render(request, "approvals/new.html", context, status=status)
