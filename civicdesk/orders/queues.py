"""The work queues people live in, defined once: the home page counts them, the pages
list them. Each takes the person and returns the orders waiting for them."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.translation import gettext as _

from civicdesk.catalogue.models import Area, Category, Topic
from civicdesk.orders.models import Assignment, AssignmentRole, OrderEvent, SupervisionNotice, WorkOrder
from civicdesk.orders.permissions import UNIT_ROLES, desk_scope, hubs_within, objection_reviewer_roles
from civicdesk.orders.workflow import OPEN, WATCHED, WITH_UNIT, Side, State
from civicdesk.org.models import OrgUnit, Role, User
from civicdesk.worktime.duty import stretch_start
from civicdesk.worktime.models import DutyShift


def _hub_scope(user: User, *roles: str) -> Q | None:
    units = user.units_with_role(*roles)
    if not units:
        return None
    # By hub id, so that the queue indexes (hub_id first) serve it (permissions.hubs_within).
    return Q(hub_id__in=hubs_within(units))


def _unit_scope(user: User) -> Q | None:
    units = user.units_with_role(*UNIT_ROLES)
    if not units:
        return None
    return Q(lead_unit_id__in=_units_below(units))


def _units_below(units: list[OrgUnit]) -> list[int]:
    """Ids of `units` and every unit below them: scopes name units by id, so that the indexes
    that lead with lead_unit_id serve them (a path match on the joined unit keeps them out)."""
    return sorted({pk for unit in units for pk in unit.subtree_ids})


def _none() -> QuerySet[WorkOrder]:
    return WorkOrder.objects.none()


def hub_queue(user: User, *states: str) -> QuerySet[WorkOrder]:
    units = user.units_with_role(Role.DISPATCHER)
    if not units:
        return _none()
    # The desk rule (permissions.desk_scope): a handed-down order is in the lower hub's queue.
    scope = desk_scope(units, Side.HUB)
    return WorkOrder.objects.filter(scope, state__in=states).order_by("created_at")


def _fresh_received() -> Q:
    """Just received: still being completed at intake, not yet waiting for dispatch."""
    return Q(state=State.RECEIVED, created_at__gt=timezone.now() - timedelta(minutes=30))


def _pending() -> Q:
    """Waiting for dispatch: an order just received (still being completed at intake) counts
    after half an hour."""
    return Q(state__in=[State.PENDING_DISPATCH, State.RECEIVED]) & ~_fresh_received()


def pending_dispatch(user: User) -> QuerySet[WorkOrder]:
    # _pending() less its states, which hub_queue names already: the planner multiplies a
    # repeated condition in, guesses a few dozen of the thousands waiting at a large center,
    # and reads them through the table instead of the desk's index.
    return hub_queue(user, State.PENDING_DISPATCH, State.RECEIVED).exclude(_fresh_received())


def first_by_id(orders: QuerySet[WorkOrder], start: int, stop: int) -> QuerySet[WorkOrder]:
    """The orders of orders[start:stop], chosen by id first: a query of the ids alone is
    answered from an index that holds the queue's filter and order (the hub's desk:
    order_hub_desk), where sorting the whole rows of a long queue, joined, reads the table for
    each of them. The rows are then read by id alone; order them again (and join what they
    show) on the result."""
    return WorkOrder.objects.filter(pk__in=orders.values("pk")[start:stop])


def review_queue(user: User, state: str) -> QuerySet[WorkOrder]:
    return hub_queue(user, state).order_by("updated_at")


def hub_queue_counts(user: User, review_states: Mapping[str, str]) -> dict[str, int]:
    """The size of pending_dispatch ("pending") and of each review_queue (key → state), in one
    query over the hub's open orders in those states (order_hub_queue: hub_id, state), not one
    count each."""
    states = [State.PENDING_DISPATCH, State.RECEIVED, *review_states.values()]
    counted = (
        hub_queue(user, *states)
        .order_by()
        .aggregate(
            pending=Count("pk", filter=_pending()),
            **{key: Count("pk", filter=Q(state=state)) for key, state in review_states.items()},
        )
    )
    return {key: int(counted.get(key) or 0) for key in ("pending", *review_states)}


def inbox_scope(user: User) -> Q | None:
    """The orders a person's units lead: for a unit head, the unit and its whole subtree;
    for a handler, the unit itself and the orders it passed down to a sub-unit (it stays
    accountable for them). None when the person holds no unit role."""
    heads = user.units_with_role(Role.UNIT_HEAD)
    handled = [u for u in user.units_with_role(Role.HANDLER) if u not in heads]
    if not heads and not handled:
        return None
    # Units by id (see _units_below): each arm of the OR is then an index range on lead_unit_id.
    own = _units_below(heads) if heads else []
    condition = Q(lead_unit_id__in=[*own, *(u.pk for u in handled)])
    if handled:
        below = [pk for pk in _units_below(handled) if pk not in {u.pk for u in handled}]
        if below:
            # Checked per order of the sub-units (few), not as the set of every order the
            # units ever passed down (it grows with the history).
            passed_down = Assignment.objects.filter(
                order=OuterRef("pk"), unit__in=handled, role=AssignmentRole.LEAD, end_reason="sub_dispatched"
            )
            condition |= Q(Exists(passed_down), lead_unit_id__in=below)
    return condition


def assisting_parts(user: User, *, owed_only: bool = True) -> QuerySet[Assignment]:
    """Active assisting assignments of the person's units (a unit head's: of the subtree)."""
    units = user.units_with_role(*UNIT_ROLES)
    if not units:
        return Assignment.objects.none()
    heads = user.units_with_role(Role.UNIT_HEAD)
    unit_ids = {u.pk for u in units} | set(_units_below(heads) if heads else [])
    parts = Assignment.objects.filter(unit__in=unit_ids, active=True, role=AssignmentRole.ASSIST)
    if owed_only:
        parts = parts.filter(part_given_at__isnull=True)
    return parts.filter(order__state__in=sorted(WITH_UNIT))


def consult_seats(user: User, *, owed_only: bool = True) -> QuerySet[Assignment]:
    """The person's units' seats at open consultations (疑难件会商) whose view is owed."""
    units = user.units_with_role(*UNIT_ROLES)
    if not units:
        return Assignment.objects.none()
    seats = Assignment.objects.filter(unit__in=units, active=True, role=AssignmentRole.CONSULT)
    if owed_only:
        seats = seats.filter(part_given_at__isnull=True)
    return seats.filter(order__state=State.CONSULTING)


INBOX_ORDER = ("handle_due_at", "pk")


def unit_inbox(user: User, *, first: int | None = None) -> QuerySet[WorkOrder]:
    """Orders a unit of the user holds (see inbox_scope), owes an assisting part on, or owes
    a view on at a consultation, nearest deadline first. With `first`: only what the first
    `first` of them can be drawn from (slice it to `first`; do not count it)."""
    ids = inbox_ids(user, first=first)
    if ids is None:
        return _none()
    return WorkOrder.objects.filter(pk__in=ids).order_by(*INBOX_ORDER)


def inbox_ids(user: User, *, first: int | None = None) -> QuerySet[Any] | None:
    """The ids of the orders of unit_inbox, as a UNION of three index-friendly parts: the
    orders held (order_unit_inbox: lead_unit_id, state), the assisting parts owed and the seats
    owed (assignment_unit_active). One query with no ids read first; as an OR of the three in one
    WHERE no index fits and PostgreSQL walked every order by deadline (1.2 s at a million
    orders, issue #20). With `first`: of the orders held, only the first `first` by deadline
    (held_first), which the first `first` of the inbox are among. None when the person holds no
    unit role."""
    scope = inbox_scope(user)
    if scope is None:
        return None
    held = held_first(WorkOrder.objects.filter(scope, state__in=sorted(WITH_UNIT)), first).values("pk")
    parts = assisting_parts(user).order_by().values("order_id")
    seats = consult_seats(user).order_by().values("order_id")
    return held.union(parts, seats)


def held_first(held: QuerySet[WorkOrder], first: int | None) -> QuerySet[WorkOrder]:
    """`held` as the branch of an inbox's UNION: with `first`, only its first `first` orders by
    deadline. The page needs no more of them, and the outer query then reads those few rows
    instead of every order the unit holds: the busiest unit holds 1,430 open orders at a
    million, each read again to sort the whole UNION (7,000 buffers for 8 rows, issue #20)."""
    if first is None:
        return held.order_by()
    return WorkOrder.objects.filter(pk__in=held.order_by(*INBOX_ORDER).values("pk")[:first]).order_by()


def callback_queue(user: User) -> QuerySet[WorkOrder]:
    units = user.units_with_role(Role.CALLBACK_AGENT)
    if not units:
        return _none()
    # Whichever of a hub pair calls back (HubLink) has the order in its queue, never both.
    scope = desk_scope(units, Side.CALLBACK)
    # A citizen who already rated the order online since the reply was accepted is not
    # called again. (A rating moves the order on, so this guards the queue against the
    # moment between the rating and its move, and never hides a reworked order.)
    accepted_after = OrderEvent.objects.filter(order=OuterRef("order"), action="accept_reply", seq__gt=OuterRef("seq"))
    rated_online = OrderEvent.objects.filter(order=OuterRef("pk"), action="record_callback", data__via="online").filter(
        ~Exists(accepted_after)
    )
    # Only an order whose callback was recorded before (a reworked one: record_callback always
    # sets callback_satisfaction) can have such a rating, so the others skip looking for one:
    # the queue's count then reads the orders alone instead of every event of each (1,450
    # orders at a million: 7,496 buffers, 36 ms → 1,658 buffers, 14 ms under load).
    return (
        WorkOrder.objects.filter(scope, state=State.AWAITING_CALLBACK)
        .filter(Q(callback_satisfaction="") | ~Exists(rated_online))
        .order_by("callback_due_at", "pk")
    )


def overdue(user: User, now: datetime | None = None) -> QuerySet[WorkOrder]:
    now = now or timezone.now()
    scope = _hub_scope(user, Role.SUPERVISOR, Role.DISPATCHER, Role.LEADER) or _unit_scope(user)
    if scope is None:
        return _none()
    return WorkOrder.objects.filter(scope, state__in=sorted(WATCHED), handle_due_at__lt=now).order_by("handle_due_at")


def near_due(user: User, now: datetime | None = None, *, counting_all: bool = False) -> QuerySet[WorkOrder]:
    """Watched orders past their warning time and not yet due, by deadline.

    A list (and a count up to a cap) walks the deadline index from now and stops at what it
    shows. counting_all=True (supervision's count per unit: every one of them) writes not yet
    due as GREATEST(due, warning) >= now — the same, the warning never being after the
    deadline — so that only the warning time can bound the scan: the planner took "due >= now"
    for a few thousand orders and walked order_hub_watched_due over every watched order not
    yet due, testing each one's warning time (201,500 entries for 1,600 near-due at 10M orders,
    14.9 ms), where order_hub_watched_warn holds the warned ones (9,400, the overdue among
    them)."""
    now = now or timezone.now()
    scope = _hub_scope(user, Role.SUPERVISOR, Role.DISPATCHER, Role.LEADER) or _unit_scope(user)
    if scope is None:
        return _none()
    orders = WorkOrder.objects.filter(scope, state__in=sorted(WATCHED), handle_warn_at__lte=now)
    if counting_all:
        orders = orders.alias(not_due_before=Greatest("handle_due_at", "handle_warn_at")).filter(
            not_due_before__gte=now
        )
    else:
        orders = orders.filter(handle_due_at__gte=now)
    return orders.order_by("handle_due_at")


def on_duty_orders(user: User, now: datetime | None = None) -> QuerySet[WorkOrder]:
    """On a non-working day, for a person on duty: the orders that arrived at their unit
    since the stretch of days off began — at the hub, those waiting for dispatch; at a unit,
    those it holds (see civicdesk.worktime.duty)."""
    now = now or timezone.now()
    since = stretch_start(now)
    if since is None:
        return _none()
    units = list(
        DutyShift.objects.filter(day=timezone.localdate(now), user=user)
        .select_related("unit")
        .values_list("unit__path", "unit__is_hub")
    )
    if not units:
        return _none()
    condition = Q()
    for path, is_hub in units:
        if is_hub:
            condition |= Q(hub__path=path, state__in=[State.RECEIVED, State.PENDING_DISPATCH], created_at__gte=since)
        else:
            condition |= Q(lead_unit__path__startswith=path, state__in=sorted(WITH_UNIT), dispatched_at__gte=since)
    return WorkOrder.objects.filter(condition).order_by("created_at", "pk")


def taken_today(user: User) -> QuerySet[WorkOrder]:
    start = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    return WorkOrder.objects.filter(owner=user, created_at__gte=start).order_by("-created_at")


# Filters and lists for the hub's own pages (dispatch board, supervision).

SUPERVISING_ROLES = (Role.SUPERVISOR, Role.DISPATCHER, Role.LEADER)


def _subtree_ids(model: type[Category] | type[Area], node_id: int) -> QuerySet[Any]:
    """Ids of a category or area and of every node below it (the trees are at most three deep)."""
    return model.objects.filter(Q(pk=node_id) | Q(parent=node_id) | Q(parent__parent=node_id)).values("pk")


def filter_orders(
    orders: QuerySet[WorkOrder],
    *,
    channel: str = "",
    request_type: str = "",
    urgency: str = "",
    category: Category | None = None,
    area: Area | None = None,
    topic: Topic | None = None,
    older_than: timedelta | None = None,
    now: datetime | None = None,
) -> QuerySet[WorkOrder]:
    """Narrow a queue. A category or area matches itself and everything below it; older_than
    keeps the orders received longer ago than that."""
    if channel:
        orders = orders.filter(channel=channel)
    if request_type:
        orders = orders.filter(request_type=request_type)
    if urgency:
        orders = orders.filter(urgency=urgency)
    if category is not None:
        orders = orders.filter(category__in=_subtree_ids(Category, category.pk))
    if area is not None:
        orders = orders.filter(area__in=_subtree_ids(Area, area.pk))
    if topic is not None:
        orders = orders.filter(topics=topic)
    if older_than is not None:
        orders = orders.filter(created_at__lt=(now or timezone.now()) - older_than)
    return orders


def flagged(user: User) -> QuerySet[WorkOrder]:
    """Open orders someone (a supervisor or the deadline watch) has raised a supervision level on."""
    scope = _hub_scope(user, *SUPERVISING_ROLES)
    if scope is None:
        return _none()
    return WorkOrder.objects.filter(
        scope, supervision_level__gt=0, state__in=sorted(WITH_UNIT | {State.REPLIED})
    ).order_by("-supervision_level", "handle_due_at")


def objections(user: User) -> QuerySet[WorkOrder]:
    """Objections to refused returns (退单异议) waiting for the person's ruling: for the roles
    that review them (settings.CIVICDESK_OBJECTION_REVIEWERS), at their hubs and hubs below."""
    scope = _hub_scope(user, *objection_reviewer_roles())
    if scope is None:
        return _none()
    return WorkOrder.objects.filter(scope, state=State.OBJECTION_REVIEW).order_by("updated_at")


def formal_notices(user: User) -> QuerySet[WorkOrder]:
    """Orders with a formal supervision notice (督办单) still owed a written answer, at the
    person's hubs; overdue first."""
    scope = _hub_scope(user, *SUPERVISING_ROLES)
    if scope is None:
        return _none()
    return (
        WorkOrder.objects.filter(scope, notice_answered_at__isnull=True, state__in=sorted(WITH_UNIT | {State.REPLIED}))
        .exclude(notice_number="")
        .order_by("notice_due_at")
    )


def supervision_notices(user: User) -> QuerySet[SupervisionNotice]:
    """The deadline watch's notices on the orders of the person's hubs, newest first."""
    scope = _hub_scope(user, *SUPERVISING_ROLES)
    if scope is None:
        return SupervisionNotice.objects.none()
    orders = WorkOrder.objects.filter(scope).values("pk")
    return SupervisionNotice.objects.filter(order__in=orders).order_by("-created_at", "-pk")


def open_orders_led_by(unit: OrgUnit) -> str:
    """Why `unit` cannot be deactivated while it leads open orders, or "" (civicdesk.org.in_use)."""
    count = WorkOrder.objects.filter(lead_unit=unit, state__in=sorted(OPEN)).count()
    if not count:
        return ""
    return _("还有 %(n)s 张由该单位主办的未办结工单，请先办结或改派。") % {"n": count}
