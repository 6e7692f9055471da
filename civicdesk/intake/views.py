"""The operator's intake page: one page, no reload, the caller on the line."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from civicdesk.catalogue.dispatch import responsible_unit
from civicdesk.catalogue.models import Area, Category
from civicdesk.enterprises.views import search_enterprises
from civicdesk.intake.calls import link_order
from civicdesk.intake.forms import IntakeForm
from civicdesk.orders import actions
from civicdesk.orders.actions.intake import operator_may_dispatch
from civicdesk.orders.errors import ActionError
from civicdesk.orders.models import WorkOrder
from civicdesk.orders.permissions import identity_visible, visible_orders
from civicdesk.orders.workflow import OPEN
from civicdesk.org.models import OrgUnit, Role, User
from civicdesk.routing.suggestions import suggest as routing_suggest

INTAKE_ROLES = {Role.OPERATOR, Role.DISPATCHER, Role.LIAISON}


def _hub_of(user: User) -> OrgUnit | None:
    for unit in user.units_with_role(*INTAKE_ROLES):
        hub = unit.hub()
        if hub is not None:
            return hub
    return None


def _require_intake(user: User) -> OrgUnit:
    hub = _hub_of(user)
    if hub is None or not user.roles & INTAKE_ROLES:
        raise PermissionDenied(_("您没有受理工单的权限。"))
    return hub


def _caller_history(user: User, phone: str) -> list[object]:
    phone = phone.strip()
    if len(phone) < 5:
        return []
    return list(
        visible_orders(user)
        .filter(identity_visible(user), citizen_phone=phone)
        .select_related("lead_unit")
        .order_by("-created_at")[:10]
    )


@login_required
def new(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    hub = _require_intake(user)
    # A liaison officer (and nobody else at the desk) files for a company: it must be named.
    liaison_only = not user.roles & {Role.OPERATOR, Role.DISPATCHER}
    if request.method == "POST":
        form = IntakeForm(request.POST, request.FILES, hub=hub, enterprise_required=liaison_only)
        if form.is_valid():
            order = _submit(request, user, form)
            if order is not None:
                messages.success(request, _("工单 %(number)s 已受理。") % {"number": order.number})
                # Redirect after the post: reloading the result page must not take the call twice.
                return redirect("intake:done", number=order.number)
        return render(request, "intake/new.html", _context(user, form, hub), status=400)
    caller = (request.GET.get("caller") or "").strip()[:20]
    initial: dict[str, object] = {"citizen_phone": caller, "call_id": (request.GET.get("call_id") or "")[:64]}
    if liaison_only:
        initial["channel"] = "liaison"
    form = IntakeForm(initial=initial, hub=hub, enterprise_required=liaison_only)
    return render(request, "intake/new.html", _context(user, form, hub, caller=caller))


def _context(user: User, form: IntakeForm, hub: OrgUnit, caller: str = "") -> dict[str, object]:
    phone = caller or (form.data.get("citizen_phone", "") if form.is_bound else "")
    return {
        "form": form,
        "history": _caller_history(user, str(phone)),
        "hub": hub,
        # Operators dispatch directly only where the center allows it (the action refuses otherwise).
        "may_dispatch": Role.DISPATCHER in user.roles or (Role.OPERATOR in user.roles and operator_may_dispatch()),
        "enterprise_options": search_enterprises(user, ""),
    }


def _submit(request: HttpRequest, user: User, form: IntakeForm) -> WorkOrder | None:
    data = form.cleaned_data
    intent = request.POST.get("intent", "send_to_hub")
    if intent == "answer" and not data.get("answer"):
        form.add_error("answer", _("即时办结需要填写答复内容。"))
        return None
    if intent == "dispatch" and not data.get("lead_unit"):
        form.add_error("lead_unit", _("请选择派单单位。"))
        return None
    try:
        # Create and its first move together: if the move fails, no half-taken order stays.
        with transaction.atomic():
            order = actions.create_order(
                actor=user,
                channel=data["channel"],
                request_type=data["request_type"],
                urgency=data["urgency"],
                title=data["title"],
                content=data["content"],
                address=data["address"],
                area=data["area"],
                category=data["category"],
                topics=data["topics"],
                citizen_name=data["citizen_name"],
                citizen_phone=data["citizen_phone"],
                confidential=data["confidential"],
                wants_reply=data["wants_reply"],
                enterprise=data.get("enterprise"),
                attachments=request.FILES.getlist("attachments"),
            )
            if intent == "answer":
                order = actions.answer_immediately(
                    order,
                    actor=user,
                    answer=data["answer"],
                    article_ids=[int(a) for a in request.POST.getlist("article") if a.isdigit()],
                )
            elif intent == "dispatch":
                order = actions.dispatch(order, actor=user, lead_unit=data["lead_unit"])
            else:
                order = actions.send_to_hub(order, actor=user)
            link_order(data.get("call_id", ""), order, user)
    except ActionError as error:
        for field, message in error.fields.items():
            form.add_error(field if field in form.fields else None, message)
        if not error.fields:
            form.add_error(None, error.message)
        return None
    return order


@login_required
def done(request: HttpRequest, number: str) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    _require_intake(user)
    order = visible_orders(user).filter(number=number).first()
    if order is None:
        raise Http404(_("没有找到该工单，或您无权查看。"))
    return render(request, "intake/done.html", {"order": order})


@login_required
def suggest(request: HttpRequest) -> HttpResponse:
    """While the operator types: category and unit suggestions, similar open orders."""
    user: User = request.user  # type: ignore[assignment]
    _require_intake(user)
    area = (
        Area.objects.filter(pk=int(request.GET["area"])).first()
        if (request.GET.get("area") or "").isdigit()
        else None
    )
    chosen = request.GET.get("category") or ""
    chosen_category = Category.objects.filter(pk=chosen).first() if chosen.isdigit() else None
    # Smart dispatch (civicdesk.routing): top 3 category × unit with confidence and reasons.
    routed = routing_suggest(
        title=request.GET.get("title", "")[:200], content=request.GET.get("content", "")[:3000],
        address=request.GET.get("address", "")[:255], area=area, category=chosen_category,
    )
    suggestions = routed.categories
    category = chosen_category or (routed.best.category if routed.best else None)
    area = area or routed.area
    match = responsible_unit(category, area) if category is not None else None
    similar = visible_orders(user).filter(state__in=sorted(OPEN))
    phone = (request.GET.get("citizen_phone") or "").strip()
    address = (request.GET.get("address") or "").strip()
    condition = Q(pk__in=[])
    if len(phone) >= 5:
        condition |= Q(citizen_phone=phone) & identity_visible(user)
    if len(address) >= 4:
        condition |= Q(address__contains=address[-12:])
    if category is not None and area is not None:
        condition |= Q(category=category, area=area)
    similar_orders = list(similar.filter(condition).order_by("-created_at")[:8])
    return render(
        request,
        "intake/_suggestions.html",
        {
            "suggestions": suggestions,
            "routed": routed,
            "match": match,
            "category": category,
            "similar": similar_orders,
            "history": _caller_history(user, phone),
        },
    )


@login_required
def caller(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    _require_intake(user)
    return render(
        request, "intake/_history.html", {"history": _caller_history(user, request.GET.get("citizen_phone", ""))}
    )


def screen_pop(request: HttpRequest) -> HttpResponse:
    """Softphones open /intake/new?caller=...; keep old integrations' /intake/?caller= working."""
    return redirect(f"/intake/new?{request.GET.urlencode()}")
