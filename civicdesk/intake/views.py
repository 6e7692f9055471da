"""The operator's intake page: one page, no reload, the caller on the line."""

from __future__ import annotations

import re
import secrets
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from civicdesk.catalogue.dispatch import responsible_unit
from civicdesk.catalogue.models import Area, Category
from civicdesk.enterprises.lookup import search_enterprises
from civicdesk.intake.calls import link_order, order_of_call
from civicdesk.intake.forms import IntakeForm
from civicdesk.intake.models import IntakeSubmission
from civicdesk.orders import actions
from civicdesk.orders.actions.intake import operator_may_dispatch
from civicdesk.orders.errors import ActionError
from civicdesk.orders.models import WorkOrder
from civicdesk.orders.permissions import identity_visible, visible_orders
from civicdesk.orders.privacy import log_phone_search
from civicdesk.orders.repeats import open_orders_of_caller
from civicdesk.orders.workflow import OPEN
from civicdesk.org.models import OrgUnit, Role, User
from civicdesk.org.web import current_user
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
    # A lookup by phone number, like the search page's: recorded (once per number while typing).
    log_phone_search(user, phone, repeats=False)
    return list(
        visible_orders(user)
        .filter(identity_visible(user), citizen_phone=phone)
        .select_related("lead_unit")
        .order_by("-created_at")[:10]
    )


def _open_of_caller(user: User, phone: str, category: Category | None) -> list[WorkOrder]:
    """The caller's open orders, the same matter first: a call about one of them is a 催办."""
    return open_orders_of_caller(visible_orders(user).filter(identity_visible(user)), phone, category)


def draft_key(call_id: str, caller: str) -> str:
    """The key the browser keeps an unsent intake draft under: one per call (its call id,
    else the number the screen-pop named), so that the next call never opens with the
    previous caller's words. Typed without a screen-pop, the page has one "manual" draft."""
    if call_id:
        return f"intake:call:{call_id}"
    if caller:
        return f"intake:phone:{caller}"
    return "intake:manual"


def _screen_pop_url(call_id: str, caller: str) -> str:
    wanted = {k: v for k, v in (("caller", caller), ("call_id", call_id)) if v}
    return reverse("intake:new") + (f"?{urlencode(wanted)}" if wanted else "")


@login_required
def new(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    hub = _require_intake(user)
    # A liaison officer (and nobody else at the desk) files for a company: it must be named.
    liaison_only = not user.roles & {Role.OPERATOR, Role.DISPATCHER}
    if request.method == "POST":
        form = IntakeForm(request.POST, request.FILES, hub=hub, enterprise_required=liaison_only)
        already = _already_submitted(user, request.POST.get("submission", ""))
        if already is not None:
            # The same form again (back after sending, a double click): show the order it made.
            messages.warning(
                request, _("这张受理单已提交过，已生成工单 %(number)s，未重复建单。") % {"number": already.number}
            )
            return redirect("intake:done", number=already.number)
        if form.is_valid():
            order = _submit(request, user, form)
            if order is not None:
                messages.success(request, _("工单 %(number)s 已受理。") % {"number": order.number})
                # Redirect after the post: reloading the result page must not take the call twice.
                return redirect("intake:done", number=order.number)
        return render(request, "intake/new.html", _context(user, form, hub), status=400)
    caller = (request.GET.get("caller") or "").strip()[:20]
    call_id = (request.GET.get("call_id") or "").strip()[:64]
    initial: dict[str, object] = {
        "citizen_phone": caller,
        "call_id": call_id,
        "submission": secrets.token_urlsafe(24),
        "draft": draft_key(call_id, caller),
    }
    if liaison_only:
        initial["channel"] = "liaison"
    form = IntakeForm(initial=initial, hub=hub, enterprise_required=liaison_only)
    return render(request, "intake/new.html", _context(user, form, hub, caller=caller))


def _already_submitted(user: User, token: str) -> WorkOrder | None:
    if not token:
        return None
    found = IntakeSubmission.objects.filter(token=token, user=user, order__isnull=False).select_related("order")
    record = found.first()
    return record.order if record is not None else None


def _dialable(phone: str) -> str:
    """The caller's number when it is one a phone can dial (the history card offers it)."""
    phone = re.sub(r"[\s-]", "", phone or "")
    return phone if re.fullmatch(r"\+?[0-9]{3,20}", phone) else ""


def _context(user: User, form: IntakeForm, hub: OrgUnit, caller: str = "") -> dict[str, object]:
    phone = caller or (form.data.get("citizen_phone", "") if form.is_bound else "")
    call_id = str(form.data.get("call_id", "") if form.is_bound else form.initial.get("call_id", ""))
    key = str(form.data.get("draft", "") if form.is_bound else form.initial.get("draft", "")) or draft_key(
        call_id, caller
    )
    return {
        "form": form,
        "history": _caller_history(user, str(phone)),
        "open_of_caller": _open_of_caller(user, str(phone), None),
        "call_id": call_id,
        "caller_phone": _dialable(str(phone)),
        "hub": hub,
        # Operators dispatch directly only where the center allows it (the action refuses otherwise).
        "may_dispatch": Role.DISPATCHER in user.roles or (Role.OPERATOR in user.roles and operator_may_dispatch()),
        "enterprise_options": search_enterprises(user, ""),
        "draft_key": key,
        # 清空 / 新来电: the same call's page with nothing typed (a manual page for a manual call).
        "clean_url": _screen_pop_url(call_id, _screen_pop_caller(form, key, caller))
        if key != "intake:manual"
        else reverse("intake:new"),
        "call_order": order_of_call(call_id, user),
    }


def _screen_pop_caller(form: IntakeForm, key: str, caller: str) -> str:
    """The number the call's page was opened with: from the screen-pop, else kept in the key."""
    if caller:
        return caller
    if key.startswith("intake:phone:"):
        return key.removeprefix("intake:phone:")
    return str(form.data.get("citizen_phone", "")) if form.is_bound else ""


def _submit(request: HttpRequest, user: User, form: IntakeForm) -> WorkOrder | None:
    data = form.cleaned_data
    intent = request.POST.get("intent", "send_to_hub")
    if intent == "answer" and not data.get("answer"):
        form.add_error("answer", _("即时办结需要填写答复内容。"))
        return None
    if intent == "dispatch" and not data.get("lead_unit"):
        form.add_error("lead_unit", _("请选择派单单位。"))
        return None
    taken = order_of_call(data.get("call_id", ""), user)
    if taken is not None and not data.get("same_call_confirmed"):
        form.add_error(
            "same_call_confirmed",
            _("这个来电已受理为工单 %(number)s。如确是同一来电的另一件诉求，请勾选确认后再提交。")
            % {"number": taken.number},
        )
        return None
    token = (data.get("submission") or "").strip()
    try:
        # Create and its first move together: if the move fails, no half-taken order stays.
        with transaction.atomic():
            # The form's token first: a concurrent second post of the same form waits on its
            # unique index, then fails and is shown the order this one makes.
            submission = IntakeSubmission.objects.create(token=token, user=user) if token else None
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
            if submission is not None:
                submission.order = order
                submission.save(update_fields=["order"])
    except IntegrityError:
        earlier = _already_submitted(user, token)
        if earlier is None:
            raise
        return earlier
    except ActionError as error:
        for field, message in error.fields.items():
            form.add_error(field if field in form.fields else None, message)
        if not error.fields:
            form.add_error(None, error.message)
        return None
    return order


@login_required
def done(request: HttpRequest, number: str) -> HttpResponse:
    user = current_user(request)
    _require_intake(user)
    order = visible_orders(user).filter(number=number).first()
    if order is None:
        raise Http404(_("没有找到该工单，或您无权查看。"))
    call = order.calls.first()  # type: ignore[attr-defined]
    # The browser forgets the draft of the call just taken (whichever key it was kept under).
    keys = {draft_key(call.call_id if call else "", ""), draft_key("", order.citizen_phone), draft_key("", "")}
    return render(request, "intake/done.html", {"order": order, "draft_keys": " ".join(sorted(keys))})


@login_required
@require_POST
def suggest(request: HttpRequest) -> HttpResponse:
    """While the operator types: category and unit suggestions, similar open orders. A POST
    (htmx, with the CSRF header): what the caller said never goes into a URL, and so never
    into an access log."""
    user = current_user(request)
    _require_intake(user)
    typed = request.POST
    area = Area.objects.filter(pk=int(typed["area"])).first() if (typed.get("area") or "").isdigit() else None
    chosen = typed.get("category") or ""
    chosen_category = Category.objects.filter(pk=chosen).first() if chosen.isdigit() else None
    # Smart dispatch (civicdesk.routing): top 3 category × unit with confidence and reasons.
    routed = routing_suggest(
        title=typed.get("title", "")[:200],
        content=typed.get("content", "")[:3000],
        address=typed.get("address", "")[:255],
        area=area,
        category=chosen_category,
    )
    suggestions = routed.categories
    category = chosen_category or (routed.best.category if routed.best else None)
    area = area or routed.area
    match = responsible_unit(category, area) if category is not None else None
    similar = visible_orders(user).filter(state__in=sorted(OPEN))
    phone = (typed.get("citizen_phone") or "").strip()
    address = (typed.get("address") or "").strip()
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
            "open_of_caller": _open_of_caller(user, phone, category),
            "call_id": (typed.get("call_id") or "")[:64],
            "caller_phone": _dialable(phone),
        },
    )


@login_required
@require_POST
def urge(request: HttpRequest, number: str) -> HttpResponse:
    """The caller rang again about an open order: add this call to it as a 催办 instead of
    taking a new order (one click from the intake page's list of the caller's open orders)."""
    user = current_user(request)
    _require_intake(user)
    order = visible_orders(user).filter(identity_visible(user), number=number).first()
    if order is None:
        raise Http404(_("没有找到该工单，或您无权查看。"))
    version = request.POST.get("version", "")
    note = (request.POST.get("note") or "").strip()
    try:
        order = actions.urge(
            order,
            actor=user,
            via="phone",
            note=note,
            expected_version=int(version) if version.isdigit() else None,
        )
    except ActionError as error:
        messages.error(request, error.message)
        return redirect("intake:new")
    link_order(request.POST.get("call_id", ""), order, user)
    messages.success(
        request,
        _("本次来电已记为工单 %(number)s 的第 %(count)s 次催办，未新建工单；已通知承办单位。")
        % {"number": order.number, "count": order.urge_count},
    )
    return redirect("orders:detail", number=order.number)


@login_required
@require_POST
def caller(request: HttpRequest) -> HttpResponse:
    """The caller's past orders by their number: a POST, like the suggestions."""
    user = current_user(request)
    _require_intake(user)
    phone = request.POST.get("citizen_phone", "")
    context = {
        "history": _caller_history(user, phone),
        "open_of_caller": _open_of_caller(user, phone, None),
        "caller_phone": _dialable(phone),
    }
    return render(request, "intake/_history.html", context)


def screen_pop(request: HttpRequest) -> HttpResponse:
    """Softphones open /intake/new?caller=...; keep old integrations' /intake/?caller= working."""
    return redirect(f"/intake/new?{request.GET.urlencode()}")
