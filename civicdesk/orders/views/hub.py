"""The hub's own pages: the dispatch board with its review queues, merging a duplicate
into the order chosen side by side, and supervision by unit.

Views parse, check access and call actions; every change goes through orders.actions with
the version the person saw, so a stale page gets a clear message instead of a lost update.
Requests from htmx get the changed fragment (a row, the board); others the whole page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from civicdesk.catalogue.dispatch import responsible_unit
from civicdesk.catalogue.models import Area, Category, Channel, RequestType, Topic, Urgency
from civicdesk.lib.textlimits import CountedLimits
from civicdesk.orders import actions, deadlines, queues
from civicdesk.orders.contact import contact_view
from civicdesk.orders.errors import ActionError, ConflictError
from civicdesk.orders.forms import ACTION_FORMS, ActionForm, MergeForm, UnitChoiceField
from civicdesk.orders.models import OrderEvent, WorkOrder
from civicdesk.orders.permissions import can, visible_order, visible_orders
from civicdesk.orders.workflow import MOVES, OPEN, State
from civicdesk.org.models import OrgUnit, Role, User
from civicdesk.org.web import current_user, require_role, safe_next

PAGE_SIZE = 50
SUPERVISION_ROLES = (Role.SUPERVISOR, Role.LEADER, Role.DISPATCHER)


def _user(request: HttpRequest) -> User:
    return current_user(request)


def _is_htmx(request: HttpRequest) -> bool:
    # A history restore wants the whole page back, not a fragment.
    return request.headers.get("HX-Request") == "true" and not request.headers.get("HX-History-Restore-Request")


def _respond(
    request: HttpRequest, page: str, fragment: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    template = fragment if _is_htmx(request) else page
    response = render(request, template, context, status=status)
    patch_vary_headers(response, ("HX-Request",))
    return response


def _row_auto_id(order: WorkOrder) -> str:
    # Many rows carry the same form; ids must stay unique for the labels to point right.
    return f"id_{order.number}_%s"


def _hub_units(user: User) -> QuerySet[OrgUnit]:
    """The units the user's hubs may dispatch to (everything below each hub, not the hub)."""
    hubs = user.units_with_role(Role.DISPATCHER)
    if not hubs:
        return OrgUnit.objects.none()
    condition = Q()
    for hub in hubs:
        condition |= Q(path__startswith=hub.path)
    return OrgUnit.objects.filter(condition, active=True).exclude(pk__in=[h.pk for h in hubs]).order_by("path")


def _latest_events(orders: list[WorkOrder], action: str) -> dict[int, OrderEvent]:
    latest: dict[int, OrderEvent] = {}
    events = (
        OrderEvent.objects.filter(order__in=[o.pk for o in orders], action=action)
        .select_related("actor", "acting_unit")
        .order_by("order_id", "-seq")
    )
    for event in events:
        latest.setdefault(event.order_id, event)
    return latest


def _page(request: HttpRequest, orders: QuerySet[Any], name: str = "page") -> Page:
    return Paginator(orders, PAGE_SIZE).get_page(request.GET.get(name))


# ---------------------------------------------------------------------------------------
# The dispatch board


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
        ReviewQueue("returns", gettext_lazy("退单审核"), State.RETURN_REQUESTED,
                    ("approve_return", "refuse_return"), "request_return"),
        ReviewQueue("extensions", gettext_lazy("延期审核"), State.EXTENSION_REQUESTED,
                    ("approve_extension", "refuse_extension"), "request_extension"),
        ReviewQueue("suspensions", gettext_lazy("挂起审核"), State.SUSPENSION_REQUESTED,
                    ("approve_suspension", "refuse_suspension"), "request_suspension"),
        ReviewQueue("replies", gettext_lazy("答复审核"), State.REPLIED,
                    ("accept_reply", "send_back_reply"), "reply"),
    )
}
REVIEW_MOVES = {move: q for q in REVIEW_QUEUES.values() for move in q.moves}
PENDING = "pending"

AGES = {
    "2h": (timedelta(hours=2), gettext_lazy("超过2小时")),
    "1d": (timedelta(days=1), gettext_lazy("超过1天")),
    "3d": (timedelta(days=3), gettext_lazy("超过3天")),
}


class TreeChoiceField(forms.ModelChoiceField):
    """A category or area, any level, indented under its parent."""

    def label_from_instance(self, obj: Any) -> str:
        return "\u3000" * (obj.level - 1) + str(obj.name)


def _blank(label: Any, choices: Any) -> list[tuple[str, Any]]:
    return [("", label), *choices]


class BoardFilterForm(forms.Form):
    channel = forms.ChoiceField(label=gettext_lazy("受理渠道"), required=False)
    request_type = forms.ChoiceField(label=gettext_lazy("诉求类型"), required=False)
    urgency = forms.ChoiceField(label=gettext_lazy("紧急程度"), required=False)
    category = TreeChoiceField(
        label=gettext_lazy("分类"), queryset=Category.objects.none(), required=False, empty_label=gettext_lazy("全部")
    )
    area = TreeChoiceField(
        label=gettext_lazy("区域"), queryset=Area.objects.none(), required=False, empty_label=gettext_lazy("全部")
    )
    topic = forms.ModelChoiceField(
        label=gettext_lazy("专题"), queryset=Topic.objects.none(), required=False, empty_label=gettext_lazy("全部")
    )
    age = forms.ChoiceField(label=gettext_lazy("等待时间"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        everything = gettext_lazy("全部")
        self.fields["channel"].choices = _blank(everything, Channel.choices)  # type: ignore[attr-defined]
        self.fields["request_type"].choices = _blank(everything, RequestType.choices)  # type: ignore[attr-defined]
        self.fields["urgency"].choices = _blank(everything, Urgency.choices)  # type: ignore[attr-defined]
        self.fields["age"].choices = _blank(  # type: ignore[attr-defined]
            gettext_lazy("不限"), [(key, label) for key, (_delta, label) in AGES.items()]
        )
        self.fields["category"].queryset = Category.objects.filter(active=True).order_by("code")  # type: ignore[attr-defined]
        self.fields["area"].queryset = Area.objects.filter(active=True).order_by("code")  # type: ignore[attr-defined]
        self.fields["topic"].queryset = Topic.objects.order_by("code")  # type: ignore[attr-defined]
        for name, bound in self.fields.items():
            bound.widget.attrs.update({"class": "form-select form-select-sm", "id": f"filter_{name}"})

    def filters(self) -> dict[str, Any]:
        """What to narrow the queue by; a value that does not parse is ignored."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        age = data.get("age") or ""
        return {
            "channel": data.get("channel") or "",
            "request_type": data.get("request_type") or "",
            "urgency": data.get("urgency") or "",
            "category": data.get("category"),
            "area": data.get("area"),
            "topic": data.get("topic"),
            "older_than": AGES[age][0] if age in AGES else None,
        }

    def active(self) -> bool:
        return any(v for v in self.filters().values())


class NumberListField(forms.Field):
    widget = forms.MultipleHiddenInput

    def to_python(self, value: Any) -> list[str]:
        if not value:
            return []
        return list(dict.fromkeys(str(v).strip() for v in value if str(v).strip()))


class BulkDispatchForm(CountedLimits, forms.Form):
    selected = NumberListField(required=False)
    lead_unit = UnitChoiceField(
        label=gettext_lazy("主办单位"),
        queryset=OrgUnit.objects.none(),
        required=False,
        empty_label=gettext_lazy("（各行的建议单位）"),
    )
    assisting_units = forms.ModelMultipleChoiceField(
        label=gettext_lazy("协办单位（可多选）"),
        queryset=OrgUnit.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 3}),
    )
    note = forms.CharField(
        label=gettext_lazy("派单意见"), required=False, max_length=2000,
        widget=forms.TextInput(),
    )

    def __init__(self, *args: Any, units: QuerySet[OrgUnit], **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "bulk_%s")
        super().__init__(*args, **kwargs)
        self.fields["lead_unit"].queryset = units  # type: ignore[attr-defined]
        self.fields["assisting_units"].queryset = units  # type: ignore[attr-defined]
        self.fields["assisting_units"].label_from_instance = lambda u: u.name  # type: ignore[attr-defined]
        for name in ("lead_unit", "assisting_units"):
            self.fields[name].widget.attrs["class"] = "form-select form-select-sm"
        self.fields["note"].widget.attrs["class"] = "form-control form-control-sm"


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


def _with_urgency_first(orders: QuerySet[WorkOrder]) -> QuerySet[WorkOrder]:
    rank = Case(
        When(urgency=Urgency.EMERGENCY, then=Value(0)),
        When(urgency=Urgency.URGENT, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return orders.annotate(urgency_rank=rank).order_by("urgency_rank", "created_at", "pk")


def _suggestions(orders: list[WorkOrder]) -> dict[tuple[int | None, int | None], Any]:
    """The catalogue's unit for each (category, area) on the page, looked up once each."""
    found: dict[tuple[int | None, int | None], Any] = {}
    for order in orders:
        key = (order.category_id, order.area_id)
        if key not in found:
            found[key] = responsible_unit(order.category, order.area)
    return found


def _pending_rows(orders: list[WorkOrder], checked: set[str]) -> list[PendingRow]:
    """Each row's top suggestion: the dispatch model's when a version is active (category
    as given, else predicted from the text; the unit from category × area), otherwise the
    catalogue's rule for the order's category and area."""
    from civicdesk.routing.confidence import unsure
    from civicdesk.routing.suggestions import active_model, suggest_many

    now = timezone.now()
    model = active_model()
    routed = (
        suggest_many([(o.title, o.content, o.address, o.area, o.category) for o in orders], limit=3, model=model)
        if model is not None else None
    )
    suggestions = _suggestions(orders) if routed is None else {}
    rows = []
    for index, order in enumerate(orders):
        row = PendingRow(order=order, suggestion=None, suggestion_note="", age=now - order.created_at,
                         checked=order.number in checked)
        best = routed[index].best if routed is not None else None
        if best is not None and routed is not None:
            row.suggestion, row.suggestion_note = best.unit, best.reason()
            row.confidence, row.model_version = best.unit_confidence, routed[index].version
            row.suggested_category = best.category if order.category_id is None else None
            row.examples = best.examples
            if unsure(best.unit_confidence):
                seen: set[int] = set()
                for option in routed[index].options:
                    if option.unit.pk not in seen:
                        seen.add(option.unit.pk)
                        row.candidates.append((option.unit, option.unit_confidence))
        elif routed is None:
            match = suggestions[(order.category_id, order.area_id)]
            if match is not None:
                row.suggestion, row.suggestion_note = match.unit, match.rule.note or str(match.rule)
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
    user: User, order: WorkOrder, queue: ReviewQueue, bound: dict[str, ActionForm] | None
) -> list[dict[str, Any]]:
    if order.state != queue.state:
        return []
    result = []
    for action in queue.moves:
        if not can(user, order, action):
            continue
        spec = ACTION_FORMS[action]
        form = (bound or {}).get(action) or spec.form(
            order=order, initial={"version": order.version}, prefix=action, auto_id=_row_auto_id(order)
        )
        result.append(
            {"action": action, "label": MOVES[action].label, "spec": spec, "form": form,
             "open": bool(bound and action in bound)}
        )
    return result


def _review_rows(
    user: User,
    orders: list[WorkOrder],
    queue: ReviewQueue,
    bound: dict[str, dict[str, ActionForm]] | None = None,
) -> list[ReviewRow]:
    events = _latest_events(orders, queue.request_action)
    rows = []
    for order in orders:
        event = events.get(order.pk)
        row = ReviewRow(order, queue, event, _review_forms(user, order, queue, (bound or {}).get(order.number)))
        if queue.key == "extensions":
            row.days_asked = float(event.data.get("days", 0)) if event is not None else None
            row.extension_room = deadlines.extension_room(order)
        rows.append(row)
    return rows


def _counts(user: User) -> dict[str, int]:
    counts = {PENDING: queues.pending_dispatch(user).count()}
    for key, queue in REVIEW_QUEUES.items():
        counts[key] = queues.review_queue(user, queue.state).count()
    return counts


def _tabs(user: User, current: str) -> list[dict[str, Any]]:
    counts = _counts(user)
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
    context: dict[str, Any] = {"tab": tab, "tabs": _tabs(user, tab), "results": results or []}
    if results:
        context["ok_count"] = sum(1 for r in results if r.ok)
        context["failed_count"] = sum(1 for r in results if not r.ok)
    if tab == PENDING:
        filter_form = BoardFilterForm(request.GET)
        orders = queues.filter_orders(queues.pending_dispatch(user), **filter_form.filters())
        orders = _with_urgency_first(orders.select_related("category", "area", "hub").prefetch_related("topics"))
        page = _page(request, orders)
        context.update(
            filter_form=filter_form,
            filtered=filter_form.active(),
            page=page,
            rows=_pending_rows(list(page.object_list), checked or set()),
            bulk_form=bulk_form or BulkDispatchForm(units=_hub_units(user)),
            auto_dispatched=_auto_dispatched(user),
        )
    else:
        queue = REVIEW_QUEUES[tab]
        orders = queues.review_queue(user, queue.state).select_related("lead_unit", "category", "area", "hub")
        page = _page(request, orders)
        context.update(queue=queue, page=page, review_rows=_review_rows(user, list(page.object_list), queue, bound))
    query = request.GET.copy()
    query.pop("page", None)
    context["query"] = query.urlencode()
    return context


def _board(request: HttpRequest, user: User, tab: str, status: int = 200, **kwargs: Any) -> HttpResponse:
    context = _board_context(request, user, tab, **kwargs)
    return _respond(request, "orders/hub/board.html", "orders/hub/_board.html", context, status)


def _dispatcher(request: HttpRequest) -> User:
    user = _user(request)
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
        return DispatchResult(number, False, error.message, order)
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
    units = _hub_units(user)
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
    bulk_form = form if failed and not accept else BulkDispatchForm(units=units)
    return _board(request, user, PENDING, bulk_form=bulk_form, results=results,
                  checked=(ticked & failed) if not accept else ticked)


def _review_row_response(
    request: HttpRequest, user: User, order: WorkOrder, queue: ReviewQueue, *,
    bound: dict[str, ActionForm] | None = None, notice: str = "", level: str = "warning", status: int = 200,
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
    form = spec.form(request.POST, order=order, prefix=action, auto_id=_row_auto_id(order))
    back = f"{reverse('orders:dispatch_board')}?tab={queue.key}"

    def failed(current: WorkOrder, status: int) -> HttpResponse:
        if _is_htmx(request):
            return _review_row_response(request, user, current, queue, bound={action: form}, status=status)
        return _board(request, user, queue.key, status=status, bound={current.number: {action: form}})

    if not form.is_valid():
        return failed(order, 400)
    try:
        spec.perform(order, actor=user, expected_version=form.cleaned_data["version"], **form.params())
    except ConflictError as error:
        # Someone moved first: show the order as it is now, and say so.
        fresh = visible_order(user, number)
        if _is_htmx(request):
            return _review_row_response(request, user, fresh, queue, notice=error.message, status=409)
        messages.warning(request, error.message)
        return redirect(back)
    except ActionError as error:
        for name, message in error.fields.items():
            if name in form.fields:
                form.add_error(name, message)
        if not any(name in form.fields for name in error.fields):
            form.add_error(None, error.message)
        fresh = visible_order(user, number)
        data = request.POST.copy()
        data[f"{action}-version"] = str(fresh.version)
        form.data = data
        return failed(fresh, 400)
    done = _("已%(action)s：%(number)s") % {"action": MOVES[action].label, "number": number}
    if _is_htmx(request):
        fresh = visible_order(user, number)
        return _review_row_response(request, user, fresh, queue, notice=done, level="success")
    messages.success(request, done)
    return redirect(back)


# ---------------------------------------------------------------------------------------
# Merging a duplicate, parent chosen side by side

MERGE_WINDOW = timedelta(days=30)
TITLE_SIMILAR = 0.25
_NOT_PARENT = (State.MERGED, State.VOID, State.TRANSFERRED)
_PUNCT = re.compile(r"[\s\W_]+")


def _bigrams(text: str) -> set[str]:
    text = _PUNCT.sub("", text)
    if len(text) < 2:
        return {text} if text else set()
    return {text[i : i + 2] for i in range(len(text) - 1)}


def title_similarity(a: str, b: str) -> float:
    """Overlap of the titles' character pairs (Chinese has no spaces between words)."""
    x, y = _bigrams(a), _bigrams(b)
    if not x or not y:
        return 0.0
    return len(x & y) / len(x | y)


@dataclass
class Candidate:
    order: WorkOrder
    score: float
    reasons: list[str]


def merge_candidates(user: User, order: WorkOrder, limit: int = 12) -> list[Candidate]:
    """Orders this one may repeat: same caller, same area and category, a similar title, or
    an open order of the same category lately; best first."""
    since = timezone.now() - MERGE_WINDOW
    base = (
        visible_orders(user)
        .filter(hub=order.hub_id, parent__isnull=True, created_at__gte=since)
        .exclude(pk=order.pk)
        .exclude(state__in=_NOT_PARENT)
    )
    related = Q(state__in=sorted(OPEN))
    if order.citizen_phone:
        related |= Q(citizen_phone=order.citizen_phone)
    if order.area_id and order.category_id:
        related |= Q(area=order.area_id, category=order.category_id)
    pool = base.filter(related).select_related("lead_unit", "category", "area").order_by("-created_at")[:500]
    found = []
    for other in pool:
        reasons: list[str] = []
        score = 0.0
        if order.citizen_phone and other.citizen_phone == order.citizen_phone:
            reasons.append(_("同一来电号码"))
            score += 3
        if order.area_id and order.category_id and (other.area_id, other.category_id) == (
            order.area_id, order.category_id
        ):
            reasons.append(_("同区域同分类"))
            score += 2
        similarity = title_similarity(order.title, other.title)
        if similarity >= TITLE_SIMILAR:
            reasons.append(_("标题相近（%(p)d%%）") % {"p": round(similarity * 100)})
            score += 4 * similarity
        if not reasons and other.state in OPEN and order.category_id and other.category_id == order.category_id:
            reasons.append(_("近期同类未办结"))
            score += 0.5
        if reasons:
            if other.state in OPEN:
                score += 0.25
            found.append(Candidate(other, score, reasons))
    found.sort(key=lambda c: (-c.score, -c.order.created_at.timestamp()))
    return found[:limit]


def _merge_context(
    request: HttpRequest, user: User, order: WorkOrder, *, form: MergeForm | None = None, parent_number: str = ""
) -> dict[str, Any]:
    candidates = merge_candidates(user, order)
    chosen: WorkOrder | None = None
    wanted = parent_number or (request.GET.get("parent") or "").strip()
    missing = ""
    if wanted:
        chosen = (
            visible_orders(user).filter(hub=order.hub_id, number=wanted).exclude(pk=order.pk)
            .select_related("lead_unit", "category", "area").first()
        )
        if chosen is None:
            missing = _("找不到本中心的工单 %(number)s。") % {"number": wanted}
    elif candidates:
        chosen = candidates[0].order
    reasons = next((c.reasons for c in candidates if chosen is not None and c.order.pk == chosen.pk), [])
    mergeable = order.state in MOVES["merge"].sources
    if form is None and chosen is not None:
        form = MergeForm(
            order=order, initial={"version": order.version, "into": chosen.number}, prefix="merge"
        )
    return {
        "order": order,
        "candidates": candidates,
        "chosen": chosen,
        "chosen_reasons": reasons,
        "missing": missing,
        "wanted": wanted,
        "mergeable": mergeable,
        "form": form,
        "order_contact": contact_view(user, order, False),
        "chosen_contact": contact_view(user, chosen, False) if chosen is not None else None,
        "next": safe_next(request, ""),
        "chosen_unsuitable": chosen is not None and (chosen.state in _NOT_PARENT or chosen.parent_id is not None),
    }


@login_required
def merge(request: HttpRequest, number: str) -> HttpResponse:
    """Compare the order with the orders it may repeat and merge it into the one picked."""
    user = _user(request)
    order = visible_order(user, number)
    if not can(user, order, "merge"):
        raise PermissionDenied(_("只有本中心的派单员可以并单。"))
    if request.method != "POST":
        context = _merge_context(request, user, order)
        return _respond(request, "orders/hub/merge.html", "orders/hub/_compare.html", context)
    form = MergeForm(request.POST, order=order, prefix="merge")
    posted_parent = (request.POST.get("merge-into") or "").strip()
    if not form.is_valid():
        context = _merge_context(request, user, order, form=form, parent_number=posted_parent)
        return render(request, "orders/hub/merge.html", context, status=400)
    parent = form.cleaned_data["into"]
    try:
        actions.merge(
            order, actor=user, into=parent, note=form.cleaned_data["note"],
            expected_version=form.cleaned_data["version"],
        )
    except ActionError as error:
        fresh = visible_order(user, number)
        if isinstance(error, ConflictError):
            messages.warning(request, error.message)
        else:
            for name, message in error.fields.items():
                if name in form.fields:
                    form.add_error(name, message)
            if not any(name in form.fields for name in error.fields):
                form.add_error(None, error.message)
        data = request.POST.copy()
        data["merge-version"] = str(fresh.version)
        form.data = data
        context = _merge_context(request, user, fresh, form=form, parent_number=posted_parent)
        status = 409 if isinstance(error, ConflictError) else 400
        return render(request, "orders/hub/merge.html", context, status=status)
    messages.success(
        request, _("工单 %(child)s 已并入 %(parent)s。") % {"child": order.number, "parent": parent.number}
    )
    return redirect(safe_next(request, reverse("orders:detail", args=[parent.number])))


# ---------------------------------------------------------------------------------------
# Supervision

SUPERVISION_LISTS = {
    "overdue": gettext_lazy("已超期"),
    "near": gettext_lazy("临期"),
    "flagged": gettext_lazy("已督办"),
    "notices": gettext_lazy("预警通知"),
}
UNIT_SORT_LABELS = {
    "unit": gettext_lazy("承办单位"),
    "overdue": gettext_lazy("超期"),
    "near": gettext_lazy("临期"),
    "flagged": gettext_lazy("已督办"),
}
UNIT_SORTS = tuple(UNIT_SORT_LABELS)


def _by_unit(orders: QuerySet[WorkOrder]) -> dict[int | None, int]:
    return dict(orders.order_by().values_list("lead_unit").annotate(n=Count("pk")))  # type: ignore[arg-type]


def _unit_table(user: User, sort: str, descending: bool) -> list[dict[str, Any]]:
    now = timezone.now()
    counts = {
        "overdue": _by_unit(queues.overdue(user, now)),
        "near": _by_unit(queues.near_due(user, now)),
        "flagged": _by_unit(queues.flagged(user)),
    }
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
    def __init__(self, user: User, order: WorkOrder, form: ActionForm | None = None, notice: str = "",
                 level: str = "success", back: str = "") -> None:
        self.order = order
        self.back = back
        self.may_escalate = can(user, order, "supervise") and order.state in MOVES["supervise"].sources
        self.form = form or (
            ACTION_FORMS["supervise"].form(
                order=order, initial={"version": order.version}, prefix="supervise", auto_id=_row_auto_id(order)
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
    }
    if unit is not None:
        lists = {key: qs.filter(lead_unit=unit) for key, qs in lists.items()}
    notices = queues.supervision_notices(user).select_related("order", "order__lead_unit")
    if unit is not None:
        notices = notices.filter(order__lead_unit=unit)
    counts = {key: qs.count() for key, qs in lists.items()}
    counts["notices"] = notices.count()
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
        "units": _unit_table(user, sort, descending),
        "sort": sort,
        "descending": descending,
        "sort_links": sort_links,
        "listing": listing,
        "unit": unit,
        "tabs": [{"key": k, "label": label, "count": counts[k], "active": k == listing}
                 for k, label in SUPERVISION_LISTS.items()],
    }
    if listing == "notices":
        context["page"] = _page(request, notices)
    else:
        page = _page(request, lists[listing].select_related("lead_unit", "category", "hub"))
        context["page"] = page
        context["rows"] = [
            EscalateRow(user, o, (bound or {}).get(o.number), back=back) for o in page.object_list
        ]
    query = request.GET.copy()
    query.pop("page", None)
    context["query"] = query.urlencode()
    return context


@login_required
def supervision(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    require_role(user, SUPERVISION_ROLES)
    return _respond(request, "orders/hub/supervision.html", "orders/hub/_supervision.html",
                    _supervision_context(request, user))


@login_required
@require_POST
def escalate(request: HttpRequest, number: str) -> HttpResponse:
    """督办 one order with a note: its supervision level goes up by one."""
    user = _user(request)
    require_role(user, SUPERVISION_ROLES)
    order = visible_order(user, number)
    if not can(user, order, "supervise"):
        raise PermissionDenied(_("只有本中心的督办员可以督办。"))
    spec = ACTION_FORMS["supervise"]
    form = spec.form(request.POST, order=order, prefix="supervise", auto_id=_row_auto_id(order))
    back = safe_next(request, reverse("orders:supervision"))

    def row(current: WorkOrder, status: int, *, bound: ActionForm | None = None, notice: str = "",
            level: str = "warning") -> HttpResponse:
        context = {"row": EscalateRow(user, current, bound, notice, level, back=back)}
        return render(request, "orders/hub/_supervision_row.html", context, status=status)

    if not form.is_valid():
        if _is_htmx(request):
            return row(order, 400, bound=form)
        context = _supervision_context(request, user, bound={order.number: form})
        return render(request, "orders/hub/supervision.html", context, status=400)
    try:
        spec.perform(order, actor=user, expected_version=form.cleaned_data["version"], **form.params())
    except ConflictError as error:
        fresh = visible_order(user, number)
        if _is_htmx(request):
            return row(fresh, 409, notice=error.message)
        messages.warning(request, error.message)
        return redirect(back)
    except ActionError as error:
        form.add_error("note" if "note" in error.fields else None, error.fields.get("note", error.message))
        fresh = visible_order(user, number)
        data = request.POST.copy()
        data["supervise-version"] = str(fresh.version)
        form.data = data
        if _is_htmx(request):
            return row(fresh, 400, bound=form)
        context = _supervision_context(request, user, bound={number: form})
        return render(request, "orders/hub/supervision.html", context, status=400)
    fresh = visible_order(user, number)
    done = _("已督办 %(number)s，督办级别 %(level)s。") % {"number": number, "level": fresh.supervision_level}
    if _is_htmx(request):
        return row(fresh, 200, notice=done, level="success")
    messages.success(request, done)
    return redirect(back)
