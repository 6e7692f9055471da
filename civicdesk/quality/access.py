"""What the core's order visibility knows of inspectors: a hub's inspector reads the orders
taken on the calls in the hub's inspection queue (to judge the record and the dispatch),
and no other; they take no side of an order."""

from __future__ import annotations

from django.db.models import Q

from civicdesk.orders.models import WorkOrder
from civicdesk.orders.permissions import AccessRule
from civicdesk.org.models import OrgUnit, Role, User
from civicdesk.quality.models import Inspection


def inspected_orders(user: User) -> Q | None:
    if not user.is_active or not user.has_role(Role.INSPECTOR):
        return None
    hubs = {hub.pk for unit in user.units_with_role(Role.INSPECTOR) if (hub := unit if unit.is_hub else unit.hub())}
    if not hubs:
        return None
    return Q(pk__in=Inspection.objects.filter(hub_id__in=hubs, call__order__isnull=False).values("call__order_id"))


def no_intake(user: User, order: WorkOrder) -> OrgUnit | None:
    return None


INSPECTOR_ACCESS = AccessRule(name="quality.inspector", sees=inspected_orders, intake_unit=no_intake)
