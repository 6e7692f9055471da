"""The work queues people live in, defined once: the home page counts them, the pages
list them. Each takes the person and returns the orders waiting for them."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from civicdesk.orders.models import Assignment, AssignmentRole, WorkOrder
from civicdesk.orders.permissions import UNIT_ROLES
from civicdesk.orders.workflow import WATCHED, WITH_UNIT, State
from civicdesk.org.models import Role, User


def _hub_scope(user: User, *roles: str) -> Q | None:
    units = user.units_with_role(*roles)
    if not units:
        return None
    condition = Q()
    for unit in units:
        condition |= Q(hub__path__startswith=unit.path)
    return condition


def _unit_scope(user: User) -> Q | None:
    units = user.units_with_role(*UNIT_ROLES)
    if not units:
        return None
    condition = Q()
    for unit in units:
        condition |= Q(lead_unit__path__startswith=unit.path)
    return condition


def _none() -> QuerySet[WorkOrder]:
    return WorkOrder.objects.none()


def hub_queue(user: User, *states: str) -> QuerySet[WorkOrder]:
    scope = _hub_scope(user, Role.DISPATCHER)
    if scope is None:
        return _none()
    return WorkOrder.objects.filter(scope, state__in=states).order_by("created_at")


def pending_dispatch(user: User) -> QuerySet[WorkOrder]:
    return hub_queue(user, State.PENDING_DISPATCH, State.RECEIVED).exclude(
        state=State.RECEIVED, created_at__gt=timezone.now() - timedelta(minutes=30)
    )


def review_queue(user: User, state: str) -> QuerySet[WorkOrder]:
    return hub_queue(user, state).order_by("updated_at")


def unit_inbox(user: User) -> QuerySet[WorkOrder]:
    """Orders a unit of the user (or a unit below it) holds, nearest deadline first."""
    scope = _unit_scope(user)
    assisting = Assignment.objects.filter(
        active=True, role=AssignmentRole.ASSIST, unit__in=user.units_with_role(*UNIT_ROLES)
    ).values("order_id")
    condition = Q(pk__in=assisting)
    if scope is not None:
        condition |= scope
    if scope is None and not user.units_with_role(*UNIT_ROLES):
        return _none()
    return WorkOrder.objects.filter(condition, state__in=sorted(WITH_UNIT)).order_by("handle_due_at")


def callback_queue(user: User) -> QuerySet[WorkOrder]:
    scope = _hub_scope(user, Role.CALLBACK_AGENT)
    if scope is None:
        return _none()
    return WorkOrder.objects.filter(scope, state=State.AWAITING_CALLBACK).order_by("callback_due_at")


def overdue(user: User, now: datetime | None = None) -> QuerySet[WorkOrder]:
    now = now or timezone.now()
    scope = _hub_scope(user, Role.SUPERVISOR, Role.DISPATCHER, Role.LEADER) or _unit_scope(user)
    if scope is None:
        return _none()
    return WorkOrder.objects.filter(scope, state__in=sorted(WATCHED), handle_due_at__lt=now).order_by("handle_due_at")


def near_due(user: User, now: datetime | None = None) -> QuerySet[WorkOrder]:
    now = now or timezone.now()
    scope = _hub_scope(user, Role.SUPERVISOR, Role.DISPATCHER, Role.LEADER) or _unit_scope(user)
    if scope is None:
        return _none()
    return WorkOrder.objects.filter(
        scope, state__in=sorted(WATCHED), handle_warn_at__lte=now, handle_due_at__gte=now
    ).order_by("handle_due_at")


def taken_today(user: User) -> QuerySet[WorkOrder]:
    start = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    return WorkOrder.objects.filter(owner=user, created_at__gte=start).order_by("-created_at")
