"""The page units work in: the unit inbox, with inline sign-for and quick moves. (The
callback queue is the hub's: orders.views.callbacks.)

Every change goes through an action; the move forms are the order page's (ACTION_FORMS)
and post to the same act endpoint, so validation and conflicts behave the same everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import conditional_escape, format_html
from django.utils.http import urlencode
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from civicdesk.lib.reversing import number_url
from civicdesk.lib.worktime import WorkCalendar
from civicdesk.orders import actions, deadlines, queues
from civicdesk.orders.casefile import case_file, photos_by_order
from civicdesk.orders.copies import from_the_copies
from civicdesk.orders.errors import ActionError, ConflictError, PermissionDenied
from civicdesk.orders.forms import ACTION_FORMS, ActionForm
from civicdesk.orders.models import Assignment, AssignmentRole, Attachment, DeadlineStatus, WorkOrder
from civicdesk.orders.moves import APPLIES
from civicdesk.orders.permissions import UNIT_ROLES, authorize, can, visible_order
from civicdesk.orders.privacy import text_for
from civicdesk.orders.templatetags.orders_tags import minute
from civicdesk.orders.views.common import PAGE_SIZE, countdown, handle_countdown
from civicdesk.orders.workflow import MOVES, WITH_UNIT, Side, State
from civicdesk.org.models import OrgUnit, Role, User
from civicdesk.org.web import current_user, require_role, safe_next
from civicdesk.worktime.limits import work_calendar
from civicdesk.worktime.models import Stage

# ---------------------------------------------------------------------------------------
# The unit inbox


@dataclass(frozen=True)
class Tab:
    key: str
    label: str


def _tab_labels() -> list[Tab]:
    return [
        Tab("all", _("全部待办")),
        Tab("sign", _("待签收")),
        Tab("handling", _("办理中")),
        Tab("review", _("待审核")),
        Tab("assist", _("协办待提交")),
        Tab("consult", _("会商待提交意见")),
        Tab("instructions", _("领导批示待签收")),
        Tab("notices", _("督办单待答复")),
        Tab("sub", _("下派至下级单位")),
    ]


def _tabs(user: User, counts: dict[str, int]) -> list[Tab]:
    """The inbox's tabs; 下派至下级单位 for a unit head, or for a handler whose unit has passed
    orders down that are still open."""
    return [t for t in _tab_labels() if t.key != "sub" or Role.UNIT_HEAD in user.roles or counts.get("sub")]


_HANDLING_STATES = (State.SIGNED, State.REWORK, State.SUSPENDED)
_REVIEW_STATES = (
    State.RETURN_REQUESTED,
    State.OBJECTION_REVIEW,
    State.EXTENSION_REQUESTED,
    State.SUSPENSION_REQUESTED,
    State.REPLIED,
)
# Every state a tab lists orders the units hold in (the tab counts are read from these).
_HELD_STATES = frozenset(WITH_UNIT | {State.REPLIED})
# Moves offered from an inbox row, in the order shown. Sign-for happens in the row itself.
QUICK_MOVES = (
    "answer_notice",
    "reply",
    "request_extension",
    "request_return",
    "sub_dispatch",
    "give_part",
    "give_view",
)
INLINE_MOVES = ("sign", "sign_part", "acknowledge_instruction")
ROW_MOVES = {*QUICK_MOVES, "request_suspension"}


@dataclass(frozen=True)
class TabRows:
    """What a tab lists: orders the units hold (a condition with the scope), assisting parts
    owed and consultation seats owed (querysets of assignments), any of them."""

    held: Q | None = None
    parts: QuerySet[Assignment] | None = None
    seats: QuerySet[Assignment] | None = None

    def orders(self, first: int | None = None) -> QuerySet[WorkOrder]:
        """The tab's orders: the held ones alone by their condition (an index range on
        lead_unit_id, state); with parts or seats, as a UNION of the parts, each read through its
        own index (see queues.inbox_ids). With `first`: what the first `first` by deadline are
        among (queues.held_first), for a page of the tab without filters."""
        branches: list[QuerySet[Any, Any]] = []
        if self.held is not None:
            branches.append(queues.held_first(WorkOrder.objects.filter(self.held), first).values("pk"))
        branches += [owed.order_by().values("order_id") for owed in (self.parts, self.seats) if owed is not None]
        if len(branches) == 1 and self.held is not None:
            return WorkOrder.objects.filter(self.held)
        head, *rest = branches
        return WorkOrder.objects.filter(pk__in=head.union(*rest) if rest else head)


@dataclass(frozen=True)
class TabSpec:
    """What a tab lists, as data, so that its rows (TabRows) and its count (tab_counts) are
    read from one definition: the orders the units hold in `held` states (with `mark`, only
    those that carry it: _marks), the orders they owe an assisting part on (`parts`: "owed",
    or "unsigned" for the parts not yet signed for), and those they owe a view at a
    consultation on (`seats`)."""

    held: frozenset[str] = frozenset()
    mark: str = ""
    parts: str = ""
    seats: bool = False


_TAB_SPECS = {
    "all": TabSpec(frozenset(WITH_UNIT), parts="owed", seats=True),
    "sign": TabSpec(frozenset({State.DISPATCHED}), parts="unsigned"),
    "handling": TabSpec(frozenset(_HANDLING_STATES)),
    "review": TabSpec(frozenset(_REVIEW_STATES)),
    "assist": TabSpec(parts="owed"),
    "consult": TabSpec(seats=True),
    "instructions": TabSpec(frozenset(WITH_UNIT), mark="instructed"),
    "notices": TabSpec(_HELD_STATES, mark="noticed"),
    "sub": TabSpec(frozenset(WITH_UNIT), mark="below"),
}
# tab_counts counts a marked tab's orders by their states and marks alone: a tab that also lists
# owed parts or seats would need each owed order's marks as well.
assert not any(spec.mark and (spec.parts or spec.seats) for spec in _TAB_SPECS.values())


def _marks(user: User) -> dict[str, Q]:
    """What sets a marked tab's orders apart from the others the units hold."""
    return {
        "instructed": Q(instructed_at__isnull=False, instruction_acknowledged_at__isnull=True),
        "noticed": Q(notice_answered_at__isnull=True) & ~Q(notice_number=""),
        # Held by a sub-unit the person's unit passed the order down to.
        "below": ~Q(lead_unit__in=user.units_with_role(*UNIT_ROLES)),
    }


def _tab_rows(user: User, scope: Q) -> dict[str, TabRows]:
    owed = queues.assisting_parts(user)
    parts = {"owed": owed, "unsigned": owed.filter(signed_at__isnull=True)}
    marks = _marks(user)
    rows: dict[str, TabRows] = {}
    for key, spec in _TAB_SPECS.items():
        held = Q(scope, state__in=sorted(spec.held)) if spec.held else None
        if held is not None and spec.mark:
            held &= marks[spec.mark]
        seats = queues.consult_seats(user) if spec.seats else None
        rows[key] = TabRows(held, parts.get(spec.parts), seats)
    return rows


def tab_orders(user: User, tab: str, first: int | None = None) -> QuerySet[WorkOrder]:
    scope = queues.inbox_scope(user)
    if scope is None:
        return WorkOrder.objects.none()
    rows = _tab_rows(user, scope)
    return rows.get(tab, rows["all"]).orders(first).order_by(*queues.INBOX_ORDER)


def tab_counts(user: User) -> dict[str, int]:
    """How many orders each tab lists, from two small queries whatever the size of the history:
    the orders the units hold, counted per state and mark in the database (each is read once,
    through order_unit_inbox: lead_unit_id, state), and the few parts and seats owed, each with
    its order's state and whether the units hold it, so that an order both held and owed counts
    once. (One query that counted every tab's condition over the UNION of the inbox read each
    held order twice and took longer to plan and to build than to run: issue #20.)"""
    counts = dict.fromkeys(_TAB_SPECS, 0)
    scope = queues.inbox_scope(user)
    if scope is None:
        return counts
    marks = _marks(user)
    by_state = (
        WorkOrder.objects.filter(scope, state__in=sorted(_HELD_STATES))
        .order_by()
        .values("state")
        .annotate(n=Count("pk"), **{mark: Count("pk", filter=q) for mark, q in marks.items()})
    )
    for group in by_state:
        for key, spec in _TAB_SPECS.items():
            if group["state"] in spec.held:
                counts[key] += group[spec.mark or "n"]
    held = Exists(WorkOrder.objects.filter(scope, pk=OuterRef("order_id")))
    owed = (
        queues.assisting_parts(user)
        .annotate(held=held)
        .values_list("order_id", "role", "signed_at", "order__state", "held")
        .union(
            queues.consult_seats(user)
            .annotate(held=held)
            .values_list("order_id", "role", "signed_at", "order__state", "held")
        )
    )
    listed: dict[str, set[int]] = {key: set() for key in _TAB_SPECS}
    for order_id, role, signed_at, state, in_scope in owed:
        for key, spec in _TAB_SPECS.items():
            if role == AssignmentRole.CONSULT:
                owed_here = spec.seats
            else:
                owed_here = spec.parts == "owed" or (spec.parts == "unsigned" and signed_at is None)
            # Counted above already when the units hold it in one of the tab's states.
            if owed_here and not (in_scope and state in spec.held):
                listed[key].add(order_id)
    return {key: counts[key] + len(listed[key]) for key in _TAB_SPECS}


def _filter_status(orders: QuerySet[WorkOrder], status: str, now: datetime) -> QuerySet[WorkOrder]:
    running = ~Q(state__in=(State.SUSPENDED, State.REPLIED))
    if status == DeadlineStatus.OVERDUE:
        return orders.filter(running, handle_due_at__lt=now)
    if status == DeadlineStatus.NEAR_DUE:
        return orders.filter(running, handle_warn_at__lte=now, handle_due_at__gte=now)
    if status == DeadlineStatus.ON_TIME:
        return orders.filter(Q(handle_warn_at__gt=now) | Q(state=State.SUSPENDED))
    return orders


def _filter_text(orders: QuerySet[WorkOrder], query: str) -> QuerySet[WorkOrder]:
    for word in query.split():
        orders = orders.filter(Q(number__startswith=word) | Q(title__contains=word) | Q(address__contains=word))
    return orders


@dataclass
class Row:
    order: WorkOrder
    status: DeadlineStatus
    countdown: str
    sign_countdown: str
    part: Assignment | None
    # (action, label, url): the urls made here, a few per row, where the template's {% url %}
    # cost three times as much.
    inline: list[tuple[str, str, str]]
    moves: list[tuple[str, str, str]] = field(default_factory=list)
    message: str = ""
    message_level: str = "success"
    # The order's photos as previews (the first few) and how many more there are.
    photos: list[Attachment] = field(default_factory=list)
    more_photos: int = 0


def _with_photos(rows: list[Row]) -> list[Row]:
    photos = photos_by_order([row.order for row in rows])
    for row in rows:
        shown, total = photos.get(row.order.pk, ([], 0))
        row.photos, row.more_photos = shown, total - len(shown)
    return rows


def _parts_by_order(user: User, orders: list[WorkOrder]) -> dict[int, Assignment]:
    parts = queues.assisting_parts(user).filter(order__in=[o.pk for o in orders]).select_related("unit")
    return {p.order_id: p for p in parts}


def _working_units(orders: list[WorkOrder]) -> dict[int, dict[str, list[OrgUnit]]]:
    """The active assisting and convened units of each order, read in one query: the rights
    of a row's moves ask for them, which was two queries per row and move."""
    units: dict[int, dict[str, list[OrgUnit]]] = {o.pk: {"assist": [], "consult": []} for o in orders}
    for a in (
        Assignment.objects.filter(
            order__in=[o.pk for o in orders], active=True, role__in=(AssignmentRole.ASSIST, AssignmentRole.CONSULT)
        )
        .select_related("unit")
        .order_by("pk")
    ):
        units[a.order_id][a.role].append(a.unit)
    return units


def _units_with_sub_units() -> set[int]:
    return set(OrgUnit.objects.filter(active=True, parent__isnull=False).values_list("parent_id", flat=True))


def build_row(
    user: User,
    order: WorkOrder,
    part: Assignment | None,
    now: datetime,
    calendar: WorkCalendar,
    parents: set[int],
    working: dict[str, list[OrgUnit]] | None = None,
) -> Row:
    sign_countdown = ""
    if order.state == State.DISPATCHED and order.signed_at is None and order.sign_due_at is not None:
        sign_countdown = countdown(order.sign_due_at, now, deadlines.limit(order, Stage.SIGN).unit, calendar)

    def allowed(action: str) -> bool:
        if action in ("sign_part", "give_part") and part is None:
            return False  # only the assisting unit's own (owed) part; saves a query per row
        if action == "sign_part" and part is not None and part.signed_at is not None:
            return False
        if action == "acknowledge_instruction" and (
            order.instructed_at is None or order.instruction_acknowledged_at is not None
        ):
            return False
        if action == "sub_dispatch" and order.lead_unit_id not in parents:
            return False  # nobody below the lead unit to pass it to
        applies = APPLIES.get(action)
        if applies is not None and not applies(order):
            return False
        return order.state in MOVES[action].sources and may(action)

    # The row's moves are the lead unit's, the assisting unit's or the convened unit's: whose
    # acting unit does not depend on the move. Each set of sides is checked once per row, not
    # once per move (up to ten moves a row, each looking up the same units).
    answers: dict[frozenset[Side], bool] = {}

    def may(action: str) -> bool:
        sides = frozenset(MOVES[action].sides)
        if sides in answers:
            return answers[sides]
        try:
            if working is None:
                authorize(user, order, action)
            else:
                authorize(
                    user, order, action, assisting=lambda: working["assist"], consulted=lambda: working["consult"]
                )
        except PermissionDenied:
            allowed = False
        else:
            allowed = True
        if sides <= _UNIT_SIDES:
            answers[sides] = allowed
        return allowed

    number = order.number
    inline = [
        (a, str(ACTION_FORMS[a].button), number_url("orders:inbox_inline", number, a))
        for a in INLINE_MOVES
        if allowed(a)
    ]
    moves = [(a, str(MOVES[a].label), number_url("orders:inbox_move", number, a)) for a in QUICK_MOVES if allowed(a)]
    return Row(
        order, order.deadline_status(now), handle_countdown(order, now, calendar), sign_countdown, part, inline, moves
    )


# Sides whose acting unit (permissions.acting_unit) is the same whatever the move.
_UNIT_SIDES = frozenset({Side.LEAD_UNIT, Side.ASSISTING_UNIT, Side.CONSULTED_UNIT})


def row_html(row: Row, user: User, *, here: str, show_unit: bool, csrf_token: str) -> SafeString:
    """One inbox row (<tr>), written here rather than by a template: a page draws fifty, and
    the template's variable look-ups and tags were half the page's CPU (issue #20). The
    markup is what orders/unit/_inbox_row.html wrote, character for character; the order's
    attachments still come from the shared orders/_files.html (few rows have any). The
    template's own words ({% translate %}) were not escaped, its values were: so here."""
    order = row.order
    e = conditional_escape
    number = e(order.number)
    detail = e(number_url("orders:detail", order.number))
    out = [f'<tr id="row-{number}">\n  <td><a href="{detail}">{number}</a></td>\n']
    title = Truncator(text_for(user, order, order.title)).chars(40)
    out.append(f"  <td>{e(title)}\n    ")
    if row.photos:
        files = {"order": order, "files": row.photos, "more": row.more_photos, "small": True}
        out.append(render_to_string("orders/_files.html", files))
    out.append("\n    ")
    if row.part:
        out.append('<div class="small text-muted">')
        out.append(_("%(unit)s（协办）待提交协办意见") % {"unit": e(row.part.unit.name)})
        if not row.part.signed_at:
            out.append(f" · {_('未签收')}")
        out.append("</div>")
    out.append("\n    ")
    if order.instruction_open:
        out.append(f'<div class="small"><span class="badge bg-danger">{_("领导批示")}</span>')
        if not order.instruction_acknowledged_at:
            out.append(" " + _("待签收（%(due)s 前）") % {"due": e(minute(order.instruction_due_at, year=False))})
        else:
            out.append(f" {_('答复时须说明落实情况')}")
        out.append("</div>")
    out.append("\n    ")
    if order.notice_open:
        due = e(minute(order.notice_due_at, year=False))
        out.append(
            f'<div class="small"><span class="badge bg-warning text-dark">{e(order.notice_number)}</span> '
            + _("督办单待书面答复（%(due)s 前）") % {"due": due}
            + "</div>"
        )
    out.append("\n    ")
    if order.state == State.CONSULTING:
        out.append(f'<div class="small text-muted">{_("疑难件会商：请提交本单位意见")}</div>')
    out.append("\n  </td>\n  <td>")
    out.append(e(order.get_request_type_display()))
    if order.urgency != "normal":
        out.append(f' <span class="badge bg-danger">{e(order.get_urgency_display())}</span>')
    out.append(f"</td>\n  <td>{e(order.category.name if order.category else '') or '—'}</td>\n  ")
    if show_unit:
        out.append(f"<td>{e(order.lead_unit.name if order.lead_unit else '') or '—'}</td>")
    status = e(row.status)
    out.append(
        f"\n  <td>{e(order.get_state_display())}</td>\n"
        '  <td class="text-nowrap">\n'
        f'    <span class="badge badge-deadline-{status}">{e(row.status.label)}</span>\n'
        f'    <span class="deadline-{status}">{e(row.countdown)}</span>\n'
        f'    <div class="small text-muted">{_("办理时限")} {minute(order.handle_due_at, year=False) or "—"}'
    )
    if row.sign_countdown:
        out.append(f" · {_('签收')}{e(row.sign_countdown)}")
    out.append('</div>\n  </td>\n  <td class="inbox-actions">\n    ')
    next_field = format_html(
        '<input type="hidden" name="version" value="{}"><input type="hidden" name="next" value="{}">',
        order.version,
        here,
    )
    csrf = format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', csrf_token)
    for _action, label, url in row.inline:
        url = e(url)
        out.append(
            f'\n    <form class="d-inline" method="post" action="{url}"\n'
            f'          hx-post="{url}" hx-target="closest tr" hx-swap="outerHTML">\n'
            f"      {csrf}{next_field}\n"
            f'      <button class="btn btn-sm btn-primary" type="submit">{e(label)}</button>\n'
            "    </form>\n    "
        )
    out.append("\n    ")
    back = e(quote(here, safe="/"))
    for _action, label, url in row.moves:
        out.append(f'<a class="btn btn-sm btn-outline-secondary" href="{e(url)}?next={back}">{e(label)}</a> ')
    out.append("\n    ")
    if not row.inline and not row.moves:
        out.append(f'<a class="small" href="{detail}">{_("查看")}</a>')
    out.append("\n    ")
    if row.message:
        out.append(
            f'<div class="alert alert-{e(row.message_level)} py-1 px-2 mt-1 mb-0 small" role="status">'
            f"{e(row.message)}</div>"
        )
    out.append("\n  </td>\n</tr>\n")
    return mark_safe("".join(out))  # noqa: S308 -- every value above is escaped as the template did


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    require_role(user, UNIT_ROLES)
    counts = tab_counts(user)
    tabs = _tabs(user, counts)
    tab = request.GET.get("tab", "all")
    if tab not in {t.key for t in tabs}:
        tab = "all"
    status = request.GET.get("status", "")
    query = (request.GET.get("q") or "").strip()[:50]
    now = timezone.now()
    if status or query:
        orders = _filter_text(_filter_status(tab_orders(user, tab), status, now), query)
        paginator = Paginator(orders, PAGE_SIZE)
        page = paginator.get_page(request.GET.get("page"))
    else:
        # The tab's count, read with the others (not counted twice), and of its orders only what
        # the page can be drawn from: the first ones by deadline up to the page's end
        # (tab_orders' `first`), not every order the unit holds.
        paginator = Paginator(WorkOrder.objects.none().order_by("pk"), PAGE_SIZE)
        paginator.count = counts[tab]
        number = paginator.get_page(request.GET.get("page")).number
        # The page's ids first (by deadline: each candidate's due date only), then those rows:
        # a unit assisting on hundreds of open orders had every
        # candidate read whole and joined before the sort kept fifty (busiest unit at 10M: 550
        # rows, 8,247 buffers).
        start = (number - 1) * PAGE_SIZE
        window = tab_orders(user, tab, first=number * PAGE_SIZE).values("pk")[start : start + PAGE_SIZE]
        shown = WorkOrder.objects.filter(pk__in=window).order_by(*queues.INBOX_ORDER)
        page = Page(list(shown), number, paginator)
    # Their units and category from the process's copies, not joined into the look-up.
    page_orders = from_the_copies(page)
    parts = _parts_by_order(user, page_orders)
    calendar = work_calendar()
    parents = _units_with_sub_units()
    working = _working_units(page_orders)
    rows = _with_photos(
        [build_row(user, o, parts.get(o.pk), now, calendar, parents, working[o.pk]) for o in page_orders]
    )
    keep = {k: v for k, v in {"tab": tab, "status": status, "q": query}.items() if v}
    here = request.path + ("?" + urlencode(keep) if keep else "")
    show_unit = Role.UNIT_HEAD in user.roles or tab == "sub"
    token = get_token(request)
    return render(
        request,
        "orders/unit/inbox.html",
        {
            "tabs": [(t, counts[t.key]) for t in tabs],
            "tab": tab,
            "status": status,
            "statuses": [(s.value, s.label) for s in DeadlineStatus if s != DeadlineStatus.NONE],
            "query": query,
            "page": page,
            "rows": [row_html(row, user, here=here, show_unit=show_unit, csrf_token=token) for row in rows],
            "keep": urlencode(keep),
            "show_unit": show_unit,
        },
    )


@login_required
@require_POST
def inline_move(request: HttpRequest, number: str, action: str) -> HttpResponse:
    """Sign for an order (or an assisting part, or a leader's instruction) from its inbox
    row; htmx swaps the row."""
    user = current_user(request)
    require_role(user, UNIT_ROLES)
    if action not in INLINE_MOVES:
        raise Http404(_("没有这个操作。"))
    order = visible_order(user, number)
    form = ActionForm(request.POST, order=order)
    level, message = "success", ""
    if not form.is_valid():
        level, message = "danger", _("页面已过期，请刷新后再操作。")
    else:
        try:
            perform = {
                "sign": actions.sign_for,
                "sign_part": actions.sign_part,
                "acknowledge_instruction": actions.acknowledge_instruction,
            }[action]
            perform(order, actor=user, expected_version=form.cleaned_data["version"])
            message = _("已%(action)s：%(number)s") % {"action": MOVES[action].label, "number": number}
        except ConflictError as error:
            level, message = "warning", error.message_for(user)
        except ActionError as error:
            level, message = "danger", error.message_for(user)
    if not request.headers.get("HX-Request"):
        levels = {"success": messages.SUCCESS, "warning": messages.WARNING}
        messages.add_message(request, levels.get(level, messages.ERROR), message)
        return redirect(safe_next(request, reverse("orders:inbox")))
    fresh = visible_order(user, number)
    now = timezone.now()
    part = _parts_by_order(user, [fresh]).get(fresh.pk)
    row = _with_photos([build_row(user, fresh, part, now, work_calendar(), _units_with_sub_units())])[0]
    row.message, row.message_level = message, level
    here = safe_next(request, reverse("orders:inbox"))
    return HttpResponse(
        row_html(row, user, here=here, show_unit=Role.UNIT_HEAD in user.roles, csrf_token=get_token(request))
    )


def _attempt(request: HttpRequest, user: User, order: WorkOrder, action: str, form: ActionForm) -> bool:
    """Make the move from the posted form; False when it did not happen, with the reason on
    the form (or, when someone moved first, as a message) and the form made ready to send
    again: what was typed stays, the order's version is the current one."""
    if not form.is_valid():
        return False
    try:
        ACTION_FORMS[action].perform(order, actor=user, expected_version=form.cleaned_data["version"], **form.params())
    except ConflictError as error:
        messages.warning(request, error.message)
    except ActionError as error:
        for field, message in error.fields.items():
            if field in form.fields:
                form.add_error(field, message)
        if not error.fields or not any(f in form.fields for f in error.fields):
            form.add_error(None, error.message)
    else:
        return True
    data = request.POST.copy()
    data[f"{action}-version"] = str(visible_order(user, order.number).version)
    form.data = data
    return False


@login_required
def move_form(request: HttpRequest, number: str, action: str) -> HttpResponse:
    """One move's form (reply, extension, return, sub-dispatch, assisting part) on a page of
    its own, opened from an inbox row. It posts back here: a mistake is shown on this page
    with what was typed, and a done move returns to the inbox."""
    user = current_user(request)
    require_role(user, UNIT_ROLES)
    if action not in ROW_MOVES:
        raise Http404(_("没有这个操作。"))
    order = visible_order(user, number)
    back = safe_next(request, reverse("orders:inbox"))
    if order.state not in MOVES[action].sources or not can(user, order, action):
        messages.warning(
            request,
            _("工单 %(number)s 当前状态为“%(state)s”，您不能%(action)s。")
            % {"number": number, "state": order.get_state_display(), "action": MOVES[action].label},
        )
        return redirect("orders:detail", number=number)
    spec = ACTION_FORMS[action]
    status = 200
    if request.method == "POST":
        form = spec.form(request.POST, request.FILES, order=order, prefix=action)
        if _attempt(request, user, order, action, form):
            messages.success(request, _("已%(action)s：%(number)s") % {"action": MOVES[action].label, "number": number})
            return redirect(back)
        order, status = visible_order(user, number), 400
    else:
        form = spec.form(order=order, initial={"version": order.version}, prefix=action)
    parts = Assignment.objects.filter(order=order, active=True, role=AssignmentRole.ASSIST).select_related("unit")
    now = timezone.now()
    return render(
        request,
        "orders/unit/move.html",
        {
            "order": order,
            "action": action,
            "label": MOVES[action].label,
            "form": form,
            "spec": spec,
            "next": back,
            "parts": parts,
            "case": case_file(user, order),
            "deadline": order.deadline_status(now),
            "countdown": handle_countdown(order, now, work_calendar()),
        },
        status=status,
    )
