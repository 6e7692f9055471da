"""The order page, its moves, and revealing a caller's contact (logged)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from civicdesk.lib.files import protected_file
from civicdesk.lib.thumbnails import PREVIEWABLE, placeholder, thumbnail
from civicdesk.orders.actions.instruction import current_instruction
from civicdesk.orders.actions.notices import current_notice, notice_answer
from civicdesk.orders.casefile import case_file
from civicdesk.orders.contact import CONTACT_ROLES, contact_view
from civicdesk.orders.copies import COPIED, from_the_copies
from civicdesk.orders.errors import ActionError, ConflictError, PermissionDenied
from civicdesk.orders.forms import ACTION_FORMS, ActionForm, UnitList
from civicdesk.orders.models import (
    Assignment,
    AssignmentRole,
    Attachment,
    OrderEvent,
    PersonalDataAccess,
    WorkOrder,
)
from civicdesk.orders.moves import available_moves
from civicdesk.orders.page import PRESENT
from civicdesk.orders.permissions import (
    SHOWN,
    can_see_identity,
    identity_visible,
    visible_order,
    visible_orders,
)
from civicdesk.orders.privacy import knows_caller, text_for
from civicdesk.orders.quality import reply_quality
from civicdesk.orders.repeats import same_matter
from civicdesk.orders.repeats import window as repeat_window
from civicdesk.orders.store import LoadedHistory
from civicdesk.orders.suggesting import UnitSuggestion, suggest_units
from civicdesk.orders.timeline import entries
from civicdesk.orders.workflow import MOVES, State
from civicdesk.org.models import Role, User
from civicdesk.org.tree import unit_tree
from civicdesk.org.web import current_user, safe_next


def _suggested(order: WorkOrder) -> UnitSuggestion | None:
    """The unit the dispatch board would suggest for this order (orders.suggesting: the
    dispatch model's, else the catalogue's)."""
    return suggest_units([order])[0]


def _forms(
    user: User,
    order: WorkOrder,
    bound: dict[str, ActionForm],
    *,
    events: list[OrderEvent],
    assignments: list[Assignment],
) -> list[dict[str, Any]]:
    result = []
    units = UnitList.every()  # the units read once, for every form that offers some
    for action in available_moves(user, order, LoadedHistory(events, assignments)):
        spec = ACTION_FORMS[action]
        initial: dict[str, Any] = {"version": order.version}
        suggestion = _suggested(order) if action == "dispatch" else None
        if suggestion is not None and action not in bound:
            # The dispatcher starts from the suggested unit, as on the dispatch board.
            initial["lead_unit"] = suggestion.unit.pk
        form = bound.get(action) or spec.form(
            order=order, initial=initial, prefix=action, events=events, unit_list=units
        )
        if suggestion is not None and not form.offers("lead_unit", suggestion.unit.pk):
            # A unit the form does not offer (not under the order's hub) is not suggested.
            suggestion = None
            if action not in bound:
                initial.pop("lead_unit")
                form = spec.form(order=order, initial=initial, prefix=action, events=events, unit_list=units)
        result.append(
            {
                "action": action,
                "label": MOVES[action].label,
                "form": form,
                "spec": spec,
                "open": action in bound,
                "suggestion": suggestion,
            }
        )
    return result


@dataclass(frozen=True)
class Seat:
    """One convened unit at the order's latest consultation, as the order page shows it."""

    unit: str
    due_at: datetime | None
    given_at: datetime | None
    view: str
    overdue: bool
    on_time: bool | None


@dataclass(frozen=True)
class Consultation:
    open: bool
    reason: str
    seats: list[Seat]
    decision: str
    decided_lead: str
    decided_assisting: list[str]


def consultation_view(
    order: WorkOrder, events: list[OrderEvent] | None = None, assignments: list[Assignment] | None = None
) -> Consultation | None:
    """The latest consultation on the order (疑难件会商): who was convened, their views
    against the deadline, and the hub's binding decision once made; None if there was none.
    `events` (by seq) and `assignments` (with their units): the order's, where the page has
    read them."""
    if events is None:
        events = list(OrderEvent.objects.filter(order=order).order_by("seq"))
    convened = next((e for e in reversed(events) if e.action == "convene_consultation"), None)
    if convened is None:
        return None
    if assignments is None:
        assignments = list(Assignment.objects.filter(order=order).select_related("unit"))
    now = timezone.now()
    seats = []
    for a in sorted(assignments, key=lambda a: a.pk):
        if a.role != AssignmentRole.CONSULT or a.dispatched_at != convened.at:
            continue
        given = a.part_given_at
        due = a.part_due_at
        seats.append(
            Seat(
                unit=a.unit.name,
                due_at=due,
                given_at=given,
                view=a.part_text,
                overdue=given is None and due is not None and now > due,
                on_time=None if given is None else (due is None or given <= due),
            )
        )
    decided = next((e for e in events if e.action == "decide_consultation" and e.seq > convened.seq), None)
    lead, assisting = "", []
    if decided is not None:
        names = unit_tree().names([decided.data.get("lead_unit"), *decided.data.get("assisting_units", [])])
        lead = names.get(decided.data.get("lead_unit"), "")
        assisting = [names[u] for u in decided.data.get("assisting_units", []) if u in names]
    return Consultation(
        open=order.state == State.CONSULTING,
        reason=convened.note,
        seats=seats,
        decision=decided.note if decided is not None else "",
        decided_lead=lead,
        decided_assisting=assisting,
    )


def render_order(
    request: HttpRequest,
    order: WorkOrder,
    *,
    bound: dict[str, ActionForm] | None = None,
    revealed: bool = False,
    status: int = 200,
) -> HttpResponse:
    """The order page. Its history, units and files are read once here and every panel and
    move is decided from them, so the page asks the database as often for a long history as
    for a short one (issue #20). `order` comes from visible_order: the user may open it."""
    user = current_user(request)
    # What the order page reads with the order (PRESENT) says which of its parts it has at all.
    present = {name: getattr(order, name, True) for name in PRESENT}
    events = list(OrderEvent.objects.filter(order=order).select_related("actor", "acting_unit").order_by("seq"))
    assignments = (
        list(Assignment.objects.filter(order=order).select_related("unit").order_by("dispatched_at", "pk"))
        if present["has_assignments"]
        else []
    )
    files = list(Attachment.objects.filter(order=order).order_by("uploaded_at", "pk")) if present["has_files"] else []
    known = {a.unit_id: a.unit.name for a in assignments}
    for unit in (order.hub, order.lead_unit):
        if unit is not None:
            known[unit.pk] = unit.name
    timeline = entries(events, show_people=True, known=known)
    if not knows_caller(user, order):
        # Notes (a supplement, a reply) may quote the confidential caller's number or name.
        timeline = [replace(e, note=text_for(user, order, e.note)) for e in timeline]
    replies = [e for e in events if e.action == "reply"]
    hub_side = bool(user.roles & CONTACT_ROLES | {Role.SUPERVISOR, Role.LEADER} & user.roles)
    identity = can_see_identity(user, order, may_open=True)
    repeat_of, related = _callers_orders(user, order) if identity else (None, [])
    context = {
        "order": order,
        "deadline": order.deadline_status(),
        "timeline": timeline,
        "assignments": assignments,
        "merged": order.merged_children.order_by("created_at") if present["has_merged"] else [],
        "contact": contact_view(user, order, revealed, sees_identity=identity),
        "moves": _forms(user, order, bound or {}, events=events, assignments=assignments),
        "case": case_file(user, order, events=events, attachments=files),
        "consultation": consultation_view(order, events, assignments),
        "instruction": current_instruction(order, events),
        "notice": current_notice(order, events),
        "notice_answer": notice_answer(order, events),
        "topics": list(order.topics.all()) if present["has_topics"] else [],
        "hub_side": hub_side,
        # The checks of the latest reply, for the reviewer (and the unit, to see what it is judged on).
        "reply_quality": reply_quality(replies[-1].data) if replies else None,
        "repeat_of": repeat_of,
        "related": related,
    }
    return render(request, "orders/detail.html", context, status=status)


def _callers_orders(user: User, order: WorkOrder) -> tuple[WorkOrder | None, list[WorkOrder]]:
    """(重复来电: the caller's latest earlier order on the same matter within the configured
    days, the caller's ten latest other orders). Only orders whose caller the user may know:
    a confidential order is never linked to the caller's others.

    The ten latest are read with whether each is on the same matter in the window; only when
    all ten are newer than the window's start can an older one be the repeat, and only then
    is it looked for (a second query, for a caller of ten orders in those days). Asked as one
    query with the ten and the repeat as two subqueries of the same scope, PostgreSQL spent
    8 ms planning it at a million orders, more than the page's other queries together."""
    if not order.citizen_phone:
        return None, []
    theirs = (
        visible_orders(user)
        .filter(identity_visible(user), citizen_phone=order.citizen_phone)
        .exclude(pk=order.pk)
        .order_by("-created_at")
    )
    if order.category is None:
        return None, list(theirs[:10])  # no matter to repeat (orders.repeats.same_matter)
    since = order.created_at - repeat_window()
    repeat = same_matter(order.category) & Q(created_at__lt=order.created_at, created_at__gte=since)
    latest: list[WorkOrder] = list(
        theirs.annotate(is_repeat=ExpressionWrapper(repeat, output_field=BooleanField()))[:10]
    )
    found = next((o for o in latest if getattr(o, "is_repeat", False)), None)
    if found is None and len(latest) == 10 and latest[-1].created_at >= since:
        found = theirs.filter(repeat).first()
    return found, latest


# The order page's look-up joins none of the order's units, categories or area: they come from
# the process's copies (orders.copies).
WITHOUT_COPIED = tuple(name for name in SHOWN if name not in COPIED)


@login_required
def detail(request: HttpRequest, number: str) -> HttpResponse:
    order = visible_order(current_user(request), number, PRESENT, related=WITHOUT_COPIED)
    from_the_copies([order])
    return render_order(request, order)


@login_required
@require_POST
def act(request: HttpRequest, number: str, action: str) -> HttpResponse:
    user = current_user(request)
    order = visible_order(user, number)
    spec = ACTION_FORMS.get(action)
    if spec is None:
        raise Http404(_("没有这个操作。"))
    form = spec.form(request.POST, request.FILES, order=order, prefix=action)
    if not form.is_valid():
        if action not in available_moves(user, order):
            # The bound form is only drawn for moves the user may make; say why instead.
            messages.error(request, _("您当前不能对该工单执行“%(action)s”。") % {"action": MOVES[action].label})
        return render_order(request, order, bound={action: form}, status=400)
    try:
        spec.perform(order, actor=user, expected_version=form.cleaned_data["version"], **form.params())
    except ConflictError as error:
        # Someone else moved first: show what the order looks like now, not an error page.
        messages.warning(request, error.message_for(user))
        return redirect("orders:detail", number=number)
    except ActionError as error:
        for field, message in error.fields.items():
            if field in form.fields:
                form.add_error(field, message)
        if not error.fields or not any(f in form.fields for f in error.fields):
            form.add_error(None, error.message_for(user))
        fresh = visible_order(user, number)
        if action not in available_moves(user, fresh):
            # No form for this move on the page to carry the error: show it as a message.
            messages.error(request, error.message_for(user))
            return render_order(request, fresh, status=403 if isinstance(error, PermissionDenied) else 400)
        data = request.POST.copy()
        data[f"{action}-version"] = str(fresh.version)
        form.data = data
        return render_order(request, fresh, bound={action: form}, status=400)
    messages.success(request, _("已%(action)s：%(number)s") % {"action": MOVES[action].label, "number": number})
    nxt = safe_next(request, "")
    if nxt:
        return redirect(nxt)
    if not visible_orders(user).filter(pk=order.pk).exists():
        return redirect("console:home")
    return redirect("orders:detail", number=number)


@login_required
@require_POST
def reveal_contact(request: HttpRequest, number: str) -> HttpResponse:
    user = current_user(request)
    order = visible_order(user, number)
    if not can_see_identity(user, order):
        raise Http404(_("该工单为保密工单，不能查看来电人信息。"))
    PersonalDataAccess.objects.create(order=order, user=user, fields="citizen_name,citizen_phone")
    return render_order(request, order, revealed=True)


# Pictures open in the browser; everything else is downloaded.
_INLINE_TYPES = {"image/jpeg", "image/png", "image/gif", "image/webp"}


@login_required
def attachment(request: HttpRequest, number: str, pk: int) -> HttpResponseBase:
    """An order's attachment (a photo, a reply's document) for whoever may open the order;
    the same 404 for "no such file" and "not yours"."""
    user = current_user(request)
    order = visible_order(user, number)
    found = Attachment.objects.filter(order=order, pk=pk).first()
    if found is None:
        raise Http404(_("没有这个附件。"))
    return protected_file(
        found.file,
        filename=found.original_name or found.file.name.rsplit("/", 1)[-1],
        content_type=found.content_type or "application/octet-stream",
        inline=found.content_type in _INLINE_TYPES,
    )


@login_required
def attachment_thumbnail(request: HttpRequest, number: str, pk: int) -> HttpResponseBase:
    """The preview of an order's photo, for whoever may open the order (the same check and
    the same 404 as the photo itself); a grey tile where no preview can be made."""
    user = current_user(request)
    order = visible_order(user, number)
    found = Attachment.objects.filter(order=order, pk=pk).first()
    if found is None:
        raise Http404(_("没有这个附件。"))
    preview = thumbnail(found.file) if found.content_type in PREVIEWABLE else None
    if preview is None:
        response = HttpResponse(placeholder(), content_type="image/png")
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        return response
    stem = (found.original_name or "photo").rsplit(".", 1)[0]
    return protected_file(preview, filename=f"{stem}-preview.jpg", content_type="image/jpeg", inline=True)
