"""The dispatch board (派单台): the queue waiting for dispatch with each order's suggested
unit, dispatching one or many, and the review queues of the units' requests (returns,
extensions, suspensions, replies) approved or refused in place.

Views parse, check access and call actions; every change goes through orders.actions with
the version the person saw, so a stale page gets a clear message instead of a lost update.
Requests from htmx get the changed fragment (a row, the board); others the whole page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from civicdesk.catalogue.dispatch import responsible_unit
from civicdesk.catalogue.models import Category, Urgency
from civicdesk.orders import actions, deadlines, queues
from civicdesk.orders.board_forms import BoardFilterForm, BulkDispatchForm
from civicdesk.orders.copies import from_the_copies
from civicdesk.orders.errors import ActionError, ConflictError
from civicdesk.orders.forms import ACTION_FORMS, ActionForm, UnitList
from civicdesk.orders.models import Assignment, AssignmentRole, OrderEvent, WorkOrder
from civicdesk.orders.permissions import can, visible_order, visible_orders
from civicdesk.orders.suggesting import suggest_units
from civicdesk.orders.views.common import (
    PAGE_SIZE,
    hub_units,
    is_htmx,
    latest_events,
    page_of,
    respond,
    row_auto_id,
)
from civicdesk.orders.workflow import MOVES, State
from civicdesk.org.models import OrgUnit, Role, User
from civicdesk.org.web import current_user, require_role


@dataclass(frozen=True)
class ReviewQueue:
    key: str
    label: Any
    state: str
    moves: tuple[str, ...]
    # The unit's request the hub is reviewing, shown with the row (reason, days, basis).
    request_action: str


REVIEW_QUEUES = {
    q.key: q
    for q in (
        ReviewQueue(
            "returns",
            gettext_lazy("退单审核"),
            State.RETURN_REQUESTED,
            ("approve_return", "refuse_return"),
            "request_return",
        ),
        ReviewQueue(
            "extensions",
            gettext_lazy("延期审核"),
            State.EXTENSION_REQUESTED,
            ("approve_extension", "refuse_extension"),
            "request_extension",
        ),
        ReviewQueue(
            "suspensions",
            gettext_lazy("挂起审核"),
            State.SUSPENSION_REQUESTED,
            ("approve_suspension", "refuse_suspension"),
            "request_suspension",
        ),
        ReviewQueue("replies", gettext_lazy("答复审核"), State.REPLIED, ("accept_reply", "send_back_reply"), "reply"),
        # 疑难件会商 waiting for the views and the hub's decision (the views are on the order page).
        ReviewQueue(
            "consultations",
            gettext_lazy("会商中"),
            State.CONSULTING,
            ("decide_consultation",),
            "convene_consultation",
        ),
    )
}
REVIEW_MOVES = {move: q for q in REVIEW_QUEUES.values() for move in q.moves}
PENDING = "pending"


@dataclass
class DispatchResult:
    number: str
    ok: bool
    message: str
    order: WorkOrder | None = None


@dataclass
class PendingRow:
    order: WorkOrder
    suggestion: OrgUnit | None
    suggestion_note: str
    age: timedelta
    checked: bool = False
    # From the dispatch model (civicdesk.routing), when a version is active.
    confidence: float | None = None
    model_version: int | None = None
    suggested_category: Category | None = None
    examples: list[tuple[str, str]] = field(default_factory=list)
    # When the model is unsure of its best unit: the other likely units (unit, probability).
    candidates: list[tuple[OrgUnit, float]] = field(default_factory=list)


@dataclass
class ReviewRow:
    order: WorkOrder
    queue: ReviewQueue
    request_event: OrderEvent | None
    forms: list[dict[str, Any]] = field(default_factory=list)
    days_asked: float | None = None
    extension_room: float | None = None
    notice: str = ""
    notice_level: str = "warning"
    # A consultation's convened units, with their views so far.
    seats: list[Assignment] = field(default_factory=list)


def _with_urgency_first(orders: QuerySet[WorkOrder]) -> QuerySet[WorkOrder]:
    rank = Case(
        When(urgency=Urgency.EMERGENCY, then=Value(0)),
        When(urgency=Urgency.URGENT, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return orders.annotate(urgency_rank=rank).order_by("urgency_rank", "created_at", "pk")


class _PageById:
    """The pending queue for the paginator: a page's orders are chosen by id first
    (queues.first_by_id), then read with what their rows show, urgent first again."""

    def __init__(self, orders: QuerySet[WorkOrder]) -> None:
        self.orders = orders

    def count(self) -> int:
        return self.orders.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, window: slice) -> QuerySet[WorkOrder]:
        chosen = queues.first_by_id(self.orders, window.start or 0, window.stop)
        # The rows' category, area and upper hub from the process's copies (orders.copies).
        return _with_urgency_first(chosen.prefetch_related("topics"))


def _pending_rows(orders: list[WorkOrder], checked: set[str]) -> list[PendingRow]:
    """Each row's top suggestion (orders.suggesting: the dispatch model's when a version is
    active, otherwise the catalogue's rule for the order's category and area)."""
    now = timezone.now()
    rows = []
    for order, suggested in zip(orders, suggest_units(orders), strict=True):
        row = PendingRow(
            order=order,
            suggestion=None,
            suggestion_note="",
            age=now - order.created_at,
            checked=order.number in checked,
        )
        if suggested is not None:
            row.suggestion, row.suggestion_note = suggested.unit, suggested.note
            row.confidence, row.model_version = suggested.confidence, suggested.model_version
            row.suggested_category = suggested.category if order.category_id is None else None
            row.examples = suggested.examples
            row.candidates = suggested.candidates
        rows.append(row)
    return rows


def _auto_dispatched(user: User) -> list[tuple[WorkOrder, OrderEvent]]:
    """Orders the dispatch model sent out that the unit has not signed for yet: the hub
    may still take them back (撤销自动派单)."""
    since = timezone.now() - timedelta(days=7)
    waiting = queues.hub_queue(user, State.DISPATCHED).select_related("lead_unit", "category")
    events = (
        OrderEvent.objects.filter(action="dispatch", data__auto=True, at__gte=since, order__in=waiting)
        .select_related("order__lead_unit", "order__category")
        .order_by("-at")[:20]
    )
    found = []
    for event in events:
        # Only while this auto-dispatch is still the order's latest dispatch.
        if event.order.state == State.DISPATCHED and event.order.lead_unit_id == event.data.get("lead_unit"):
            found.append((event.order, event))
    return found


def _review_forms(
    user: User,
    order: WorkOrder,
    queue: ReviewQueue,
    bound: dict[str, ActionForm] | None,
    units: UnitList | None = None,
) -> list[dict[str, Any]]:
    """The forms of the queue's moves the user may make on the order; `units`: the units read
    once for every row's forms (a move that offers units, such as approving a return to a new
    unit, read them per row otherwise: five queries a row)."""
    if order.state != queue.state:
        return []
    result = []
    for action in queue.moves:
        if not can(user, order, action):
            continue
        spec = ACTION_FORMS[action]
        form = (bound or {}).get(action) or spec.form(
            order=order,
            initial={"version": order.version},
            prefix=action,
            auto_id=row_auto_id(order),
            unit_list=units,
        )
        result.append(
            {
                "action": action,
                "label": MOVES[action].label,
                "spec": spec,
                "form": form,
                "open": bool(bound and action in bound),
            }
        )
    return result


def _review_rows(
    user: User,
    orders: list[WorkOrder],
    queue: ReviewQueue,
    bound: dict[str, dict[str, ActionForm]] | None = None,
) -> list[ReviewRow]:
    events = latest_events(orders, queue.request_action)
    seats: dict[int, list[Assignment]] = {}
    if queue.key == "consultations":
        for seat in (
            Assignment.objects.filter(order__in=orders, active=True, role=AssignmentRole.CONSULT)
            .select_related("unit")
            .order_by("pk")
        ):
            seats.setdefault(seat.order_id, []).append(seat)
    units = UnitList.every()
    rows = []
    for order in orders:
        event = events.get(order.pk)
        row = ReviewRow(order, queue, event, _review_forms(user, order, queue, (bound or {}).get(order.number), units))
        if queue.key == "consultations":
            row.seats = seats.get(order.pk, [])
        if queue.key == "extensions":
            row.days_asked = float(event.data.get("days", 0)) if event is not None else None
            row.extension_room = deadlines.extension_room(order)
        rows.append(row)
    return rows


def _counts(user: User) -> dict[str, int]:
    counts = queues.hub_queue_counts(user, {key: queue.state for key, queue in REVIEW_QUEUES.items()})
    return {PENDING: counts["pending"], **{key: counts[key] for key in REVIEW_QUEUES}}


def _tabs(user: User, current: str, counts: dict[str, int] | None = None) -> list[dict[str, Any]]:
    counts = counts if counts is not None else _counts(user)
    tabs = [{"key": PENDING, "label": _("待派单"), "count": counts[PENDING], "active": current == PENDING}]
    for key, queue in REVIEW_QUEUES.items():
        tabs.append({"key": key, "label": queue.label, "count": counts[key], "active": current == key})
    return tabs


def _board_context(
    request: HttpRequest,
    user: User,
    tab: str,
    *,
    bulk_form: BulkDispatchForm | None = None,
    results: list[DispatchResult] | None = None,
    checked: set[str] | None = None,
    bound: dict[str, dict[str, ActionForm]] | None = None,
) -> dict[str, Any]:
    counts = _counts(user)
    context: dict[str, Any] = {"tab": tab, "tabs": _tabs(user, tab, counts), "results": results or []}
    if results:
        context["ok_count"] = sum(1 for r in results if r.ok)
        context["failed_count"] = sum(1 for r in results if not r.ok)
    if tab == PENDING:
        filter_form = BoardFilterForm(request.GET)
        orders = _with_urgency_first(queues.filter_orders(queues.pending_dispatch(user), **filter_form.filters()))
        filtered = filter_form.active()
        # Unfiltered, the list is the tab's queue: its size is the tab's count, not counted again.
        # As page_of, by id first (_PageById is sliced and counted, as the paginator uses a queryset).
        paginator: Paginator[WorkOrder] = Paginator(cast("QuerySet[WorkOrder]", _PageById(orders)), PAGE_SIZE)
        if not filtered:
            paginator.count = counts[PENDING]
        page = paginator.get_page(request.GET.get("page"))
        context.update(
            filter_form=filter_form,
            filtered=filtered,
            page=page,
            rows=_pending_rows(from_the_copies(page.object_list), checked or set()),
            bulk_form=bulk_form or _bulk_form(user),
            auto_dispatched=_auto_dispatched(user),
        )
    else:
        queue = REVIEW_QUEUES[tab]
        orders = queues.review_queue(user, queue.state).select_related("lead_unit", "category", "area", "hub")
        page = page_of(request, orders, count=counts[tab])
        context.update(queue=queue, page=page, review_rows=_review_rows(user, list(page.object_list), queue, bound))
    query = request.GET.copy()
    query.pop("page", None)
    context["query"] = query.urlencode()
    return context


def _bulk_form(user: User, data: Any = None) -> BulkDispatchForm:
    """The form for dispatching many orders, its two unit pickers drawn from one read of the units."""
    hubs = user.units_with_role(Role.DISPATCHER)
    listed = UnitList.every().targets(hubs)  # as hub_units(user)
    if data is None:
        # Unbound, it checks nothing: the units are read only when its pickers are not kept.
        return BulkDispatchForm(listed=listed, hubs=hubs)
    return BulkDispatchForm(data, units=listed.queryset(), listed=listed, hubs=hubs)


def _board(request: HttpRequest, user: User, tab: str, status: int = 200, **kwargs: Any) -> HttpResponse:
    context = _board_context(request, user, tab, **kwargs)
    return respond(request, "orders/hub/board.html", "orders/hub/_board.html", context, status)


def _dispatcher(request: HttpRequest) -> User:
    user = current_user(request)
    require_role(user, (Role.DISPATCHER,))
    return user


@login_required
def dispatch_board(request: HttpRequest) -> HttpResponse:
    user = _dispatcher(request)
    tab = request.GET.get("tab") or PENDING
    if tab != PENDING and tab not in REVIEW_QUEUES:
        tab = PENDING
    if request.GET.get("part") == "tabs":
        return render(request, "orders/hub/_tabs.html", {"tabs": _tabs(user, tab), "tab": tab})
    return _board(request, user, tab)


def _posted_unit(value: str | None, units: QuerySet[OrgUnit]) -> OrgUnit | None:
    if not value or not value.isdigit():
        return None
    return units.filter(pk=int(value)).first()


def _dispatch_one(
    user: User,
    number: str,
    *,
    version: str | None,
    lead: OrgUnit | None,
    suggested: OrgUnit | None,
    assisting: list[OrgUnit],
    note: str,
) -> DispatchResult:
    order = visible_orders(user).select_related("hub", "category", "area").filter(number=number).first()
    if order is None:
        return DispatchResult(number, False, _("找不到该工单，或您无权派发。"))
    if not version or not version.isdigit():
        return DispatchResult(number, False, _("页面已过期，请刷新后再派单。"), order)
    unit = lead or suggested
    if unit is None:
        match = responsible_unit(order.category, order.area)
        unit = match.unit if match is not None else None
    if unit is None:
        return DispatchResult(number, False, _("派单目录中没有建议单位，请选择主办单位。"), order)
    helpers = [u for u in assisting if u.pk != unit.pk]
    try:
        order = actions.dispatch(
            order, actor=user, lead_unit=unit, assisting_units=helpers, note=note, expected_version=int(version)
        )
    except ActionError as error:
        return DispatchResult(number, False, error.message_for(user), order)
    message = _("已派至 %(unit)s") % {"unit": unit.name}
    if helpers:
        message += _("，协办：%(units)s") % {"units": "、".join(u.name for u in helpers)}
    if len(helpers) != len(assisting):
        message += _("（主办单位不再兼作协办）")
    return DispatchResult(number, True, message, order)


@login_required
@require_POST
def bulk_dispatch(request: HttpRequest) -> HttpResponse:
    """Dispatch the ticked orders (or the one whose suggestion was accepted), each on its
    own with the version its row showed: one stale row fails alone."""
    user = _dispatcher(request)
    units = hub_units(user)
    form = BulkDispatchForm(request.POST, units=units)
    accept = (request.POST.get("accept") or "").strip()
    ticked = set(request.POST.getlist("selected"))
    if not form.is_valid():
        return _board(request, user, PENDING, status=400, bulk_form=form, checked=ticked)
    if accept:
        numbers, lead, assisting, note = [accept], None, [], ""
    else:
        numbers = form.cleaned_data["selected"]
        lead = form.cleaned_data["lead_unit"]
        assisting = list(form.cleaned_data["assisting_units"])
        note = form.cleaned_data["note"]
        if not numbers:
            form.add_error(None, _("请先勾选要派发的工单。"))
            return _board(request, user, PENDING, status=400, bulk_form=form, checked=ticked)
    results = [
        _dispatch_one(
            user,
            number,
            version=request.POST.get(f"version-{number}"),
            lead=lead,
            suggested=_posted_unit(request.POST.get(f"suggested-{number}"), units),
            assisting=assisting,
            note=note,
        )
        for number in numbers
    ]
    failed = {r.number for r in results if not r.ok}
    # What was typed stays for another go at the ones that failed; with all done, start clean.
    bulk_form = form if failed and not accept else _bulk_form(user)
    return _board(
        request,
        user,
        PENDING,
        bulk_form=bulk_form,
        results=results,
        checked=(ticked & failed) if not accept else ticked,
    )


def _review_row_response(
    request: HttpRequest,
    user: User,
    order: WorkOrder,
    queue: ReviewQueue,
    *,
    bound: dict[str, ActionForm] | None = None,
    notice: str = "",
    level: str = "warning",
    status: int = 200,
) -> HttpResponse:
    row = _review_rows(user, [order], queue, {order.number: bound} if bound else None)[0]
    row.notice, row.notice_level = notice, level
    response = render(request, "orders/hub/_review_row.html", {"row": row, "queue": queue}, status=status)
    response["HX-Trigger"] = "board-changed"
    return response


@login_required
@require_POST
def review(request: HttpRequest, number: str, action: str) -> HttpResponse:
    """Approve or refuse a unit's request from the board, through the order's ACTION_FORMS."""
    user = _dispatcher(request)
    queue = REVIEW_MOVES.get(action)
    if queue is None:
        raise Http404(_("没有这个操作。"))
    order = visible_order(user, number)
    if not can(user, order, action):
        raise PermissionDenied(_("您无权审核该工单。"))
    spec = ACTION_FORMS[action]
    form = spec.form(request.POST, order=order, prefix=action, auto_id=row_auto_id(order))
    back = f"{reverse('orders:dispatch_board')}?tab={queue.key}"

    def failed(current: WorkOrder, status: int) -> HttpResponse:
        if is_htmx(request):
            return _review_row_response(request, user, current, queue, bound={action: form}, status=status)
        return _board(request, user, queue.key, status=status, bound={current.number: {action: form}})

    if not form.is_valid():
        return failed(order, 400)
    try:
        spec.perform(order, actor=user, expected_version=form.cleaned_data["version"], **form.params())
    except ConflictError as error:
        # Someone moved first: show the order as it is now, and say so.
        fresh = visible_order(user, number)
        if is_htmx(request):
            return _review_row_response(request, user, fresh, queue, notice=error.message_for(user), status=409)
        messages.warning(request, error.message_for(user))
        return redirect(back)
    except ActionError as error:
        for name, message in error.fields.items():
            if name in form.fields:
                form.add_error(name, message)
        if not any(name in form.fields for name in error.fields):
            form.add_error(None, error.message_for(user))
        fresh = visible_order(user, number)
        data = request.POST.copy()
        data[f"{action}-version"] = str(fresh.version)
        form.data = data
        return failed(fresh, 400)
    done = _("已%(action)s：%(number)s") % {"action": MOVES[action].label, "number": number}
    if is_htmx(request):
        fresh = visible_order(user, number)
        return _review_row_response(request, user, fresh, queue, notice=done, level="success")
    messages.success(request, done)
    return redirect(back)
