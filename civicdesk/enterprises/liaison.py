"""Liaison officers (驻企员): which companies a person serves, and who serves a company.

The rules the core and the outbox apply to them are registered from EnterprisesConfig.ready():
LIAISON_ACCESS with civicdesk.orders.permissions, officers_of with the outbox rules."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from civicdesk.enterprises.models import Enterprise, LiaisonAssignment
from civicdesk.orders.models import WorkOrder
from civicdesk.orders.permissions import AccessRule, covering
from civicdesk.org.models import OrgUnit, Role, User


def enterprises_of(user: User, day: date | None = None) -> QuerySet[Enterprise]:
    """The companies `user` is stationed at on `day` (today by default)."""
    if not user.is_active or not user.has_role(Role.LIAISON):
        return Enterprise.objects.none()
    current = LiaisonAssignment.objects.current(day).filter(officer=user, enterprise=OuterRef("pk"))
    return Enterprise.objects.filter(Exists(current))


def serves(user: User, enterprise_id: int | None, day: date | None = None) -> bool:
    if enterprise_id is None or not user.is_active or not user.has_role(Role.LIAISON):
        return False
    return LiaisonAssignment.objects.current(day).filter(officer=user, enterprise_id=enterprise_id).exists()


def officers_of(enterprise_ids: Iterable[int], day: date | None = None) -> dict[int, set[int]]:
    """enterprise id → the active liaison officers stationed there on `day`."""
    ids = [i for i in enterprise_ids if i]
    if not ids:
        return {}
    rows = (
        LiaisonAssignment.objects.current(day or timezone.localdate())
        .filter(enterprise_id__in=ids, officer__is_active=True, officer__memberships__role=Role.LIAISON)
        .values_list("enterprise_id", "officer_id")
        .distinct()
    )
    found: dict[int, set[int]] = {}
    for enterprise_id, officer_id in rows:
        found.setdefault(enterprise_id, set()).add(officer_id)
    return found


def served_condition(user: User, field: str = "enterprise") -> Q | None:
    """A filter for orders (or anything with an enterprise FK named `field`) of the
    companies `user` serves today; None when the user is no liaison officer."""
    if not user.is_active or not user.has_role(Role.LIAISON):
        return None
    current = LiaisonAssignment.objects.current().filter(officer=user, enterprise=OuterRef(field))
    return Q(Exists(current))


def served_orders(user: User) -> QuerySet[WorkOrder]:
    """我的企业诉求: every order of the companies a liaison officer is stationed at, newest first."""
    served = served_condition(user)
    if served is None:
        return WorkOrder.objects.none()
    return WorkOrder.objects.filter(served).order_by("-created_at", "-pk")


def intake_unit(user: User, order: WorkOrder) -> OrgUnit | None:
    """A liaison officer takes the intake side of the orders they filed or that concern a
    company they are stationed at (驻企员代企业反映诉求), through their liaison unit."""
    units = user.units_with_role(Role.LIAISON)
    if not units or (order.owner_id != user.pk and not serves(user, order.enterprise_id)):
        return None
    return covering(units, order.hub)


# Liaison officers see every order of the companies they are stationed at, and file for them.
LIAISON_ACCESS = AccessRule(name="enterprises.liaison", sees=served_condition, intake_unit=intake_unit)
