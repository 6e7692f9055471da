"""Who may see an order and on whose behalf a person may act on it.

A role counts only in a unit: a dispatcher acts for the hub she belongs to (and hubs below
it); a handler acts for his unit and any sub-unit it passed the order down to.

The core knows hubs, units and owners. Other grounds for access belong to the apps that
define them and are registered here as AccessRules from their AppConfig.ready()
(enterprises: liaison officers see, and file for, the companies they are stationed at).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from civicdesk.orders.errors import PermissionDenied
from civicdesk.orders.models import Assignment, AssignmentRole, WorkOrder
from civicdesk.orders.workflow import MOVES, Side
from civicdesk.org.models import OrgUnit, Role, User

UNIT_ROLES = (Role.HANDLER, Role.UNIT_HEAD)
# Who may take a new request in, for the hub of their unit.
INTAKE_ROLES = (Role.OPERATOR, Role.DISPATCHER, Role.LIAISON)
_HUB_SIDE_ROLES = {
    Side.HUB: (Role.DISPATCHER,),
    Side.INTAKE: (Role.OPERATOR, Role.DISPATCHER),
    Side.CALLBACK: (Role.CALLBACK_AGENT,),
    Side.SUPERVISION: (Role.SUPERVISOR,),
}


def objection_reviewer_roles() -> tuple[str, ...]:
    """The roles that rule on an objection to a refused return (configured per center)."""
    return tuple(settings.CIVICDESK_OBJECTION_REVIEWERS)


@dataclass(frozen=True)
class AccessRule:
    """One more ground on which a person may see orders and take their intake side."""

    name: str
    # The orders `user` may open on this ground, as a filter on WorkOrder; None for none.
    sees: Callable[[User], Q | None]
    # The unit through which `user` takes the intake side of `order` on this ground, or None.
    intake_unit: Callable[[User, WorkOrder], OrgUnit | None]


_access_rules: dict[str, AccessRule] = {}


def register_access_rule(rule: AccessRule) -> None:
    """Add (or, by name, replace) a ground for access; called from an AppConfig.ready()."""
    _access_rules[rule.name] = rule


def access_rules() -> list[AccessRule]:
    return list(_access_rules.values())


def covering(units: list[OrgUnit], target: OrgUnit) -> OrgUnit | None:
    """The user's unit that is `target` or above it, nearest first."""
    best: OrgUnit | None = None
    for unit in units:
        if target.path.startswith(unit.path) and (best is None or len(unit.path) > len(best.path)):
            best = unit
    return best


# The reviews a lower hub cannot decide alone while the order waits for its upper hub
# (order.awaiting_upper): a hand-back (return_to_upper), or an extension past the upper's deadline.
UPPER_DECIDES = frozenset({"approve_return", "refuse_return", "approve_extension", "refuse_extension"})
# What the hubs above may still do on an order they handed down, as for their own: a caller
# who rings the upper hotline again urges it or adds facts there.
ALSO_FROM_ABOVE = frozenset({"urge", "supplement"})
# Nobody here sits at a remote hub's desk (its people work on their own installation): the
# hubs above void the order and take the caller's withdrawal, and the remote system follows
# (civicdesk.upstream sends each move on to it).
FROM_ABOVE_ON_REMOTE = frozenset({"void", "withdraw"})
# The callback of an order whose upstream platform calls the citizen back itself (the
# CivicDesk above, its hub pair so set: order.callback_upper without an upper hub here).
CALLBACK_MOVES = frozenset({"record_callback", "close_without_callback"})


def called_back_upstream(order: WorkOrder) -> bool:
    return order.callback_upper and order.upper_hub_id is None


def desk_hub(order: WorkOrder, side: Side, action: str = "") -> OrgUnit:
    """The hub whose staff take `side` of `order` (for `action`): the hub that holds the order,
    except the callback when the hub pair leaves it to the upper hub, and a decision waiting
    at the upper hub."""
    upper = order.upper_hub
    if upper is not None:
        if side is Side.CALLBACK and order.callback_upper:
            return upper
        if side is Side.HUB and order.awaiting_upper and action in UPPER_DECIDES:
            return upper
    return order.hub


def _desk_covering(units: list[OrgUnit], order: WorkOrder, side: Side, action: str) -> OrgUnit | None:
    """The user's unit that takes `side` of the order: one at or above the desk hub — but an
    order handed down belongs to the lower hub's desk, so the levels above it act only on
    what the table leaves to them (decisions, the callback) and supervise it (path-based)."""
    if action in CALLBACK_MOVES and called_back_upstream(order):
        return None  # the platform's callback: its answer comes through civicdesk.upstream
    desk = desk_hub(order, side, action)
    found = covering(units, desk)
    upper = order.upper_hub
    if found is None or upper is None or side is Side.SUPERVISION or desk.pk == upper.pk:
        return found
    if action in ALSO_FROM_ABOVE or (action in FROM_ABOVE_ON_REMOTE and order.hub.remote):
        return found
    # The desk is the lower hub: only its own staff (and hubs between it and the upper one).
    return None if upper.path.startswith(found.path) else found


def hubs_within(units: Iterable[OrgUnit]) -> list[int]:
    """Ids of the hubs at or below `units`. Scopes name the hubs by id rather than by a path
    match on the joined unit: the queue indexes lead with hub_id, and a join on
    `org_orgunit.path LIKE '/1/2/%'` keeps them out of the plan (a scan of every order at a
    million orders). An order's hub (and upper hub) is always a hub unit."""
    return sorted({pk for unit in units for pk in unit.hub_ids})


def desk_scope(units: Iterable[OrgUnit], side: Side) -> Q:
    """desk_hub/_desk_covering as a filter: the orders at whose desk `units` take `side`
    (the dispatch board, the review and callback queues). Decisions waiting at an upper hub
    show in its queues."""
    condition = Q(pk__in=[])
    waiting = "callback_upper" if side is Side.CALLBACK else "awaiting_upper"
    for unit in units:
        hubs = hubs_within([unit])
        below = Q(hub_id__in=hubs)
        own_level = Q(upper_hub__isnull=True) | (Q(**{waiting: False}) & ~Q(upper_hub_id__in=hubs))
        if side is Side.CALLBACK:
            # Not the orders whose upstream platform calls back itself (called_back_upstream).
            own_level &= ~Q(upper_hub__isnull=True, callback_upper=True)
        condition |= below & own_level
        condition |= Q(**{waiting: True}, upper_hub_id__in=hubs)
    return condition


def active_assisting_units(order: WorkOrder) -> list[OrgUnit]:
    """The units of the order's active assisting assignments, oldest first."""
    assignments = order.assignments.filter(active=True, role=AssignmentRole.ASSIST).select_related("unit")
    return [a.unit for a in assignments.order_by("pk")]


def active_consulted_units(order: WorkOrder) -> list[OrgUnit]:
    """The units convened to the order's open consultation (疑难件会商), oldest first."""
    assignments = order.assignments.filter(active=True, role=AssignmentRole.CONSULT).select_related("unit")
    return [a.unit for a in assignments.order_by("pk")]


def acting_unit(
    user: User | None,
    order: WorkOrder,
    side: Side,
    *,
    assisting: Callable[[], Iterable[OrgUnit]] | None = None,
    consulted: Callable[[], Iterable[OrgUnit]] | None = None,
    action: str = "",
    grounds: Callable[[], Iterable[AccessRule]] = access_rules,
) -> OrgUnit | None:
    """The unit on whose behalf `user` can take the `side` of `order` (for `action`), or None.
    `assisting` and `consulted` give the order's assisting and convened units where they are
    not (yet) in the database; `grounds`, the registered access rules."""
    if side is Side.SYSTEM:
        return None
    if user is None or not user.is_active:
        return None
    # Not in _HUB_SIDE_ROLES: those roles also decide who may know a confidential caller.
    if side is Side.OBJECTION_REVIEWER:
        return covering(user.units_with_role(*objection_reviewer_roles()), order.hub)
    if side is Side.LEADER:
        return covering(user.units_with_role(Role.LEADER), order.hub)
    if side in _HUB_SIDE_ROLES:
        found = _desk_covering(user.units_with_role(*_HUB_SIDE_ROLES[side]), order, side, action)
        if found is None and side is Side.INTAKE:
            found = next((u for r in grounds() if (u := r.intake_unit(user, order)) is not None), None)
        return found
    units = user.units_with_role(*UNIT_ROLES)
    if not units:
        return None
    if side is Side.LEAD_UNIT:
        return covering(units, order.lead_unit) if order.lead_unit is not None else None
    if side is Side.CONSULTED_UNIT:
        # Only the convened unit itself states its view, not a unit above it.
        mine = {u.pk for u in units}
        convened = consulted() if consulted is not None else active_consulted_units(order)
        return next((unit for unit in convened if unit.pk in mine), None)
    for unit in assisting() if assisting is not None else active_assisting_units(order):
        if covering(units, unit) is not None:
            return unit
    return None


def intake_unit(actor: User, hub: OrgUnit | None) -> tuple[OrgUnit, OrgUnit]:
    """(the actor's unit, the hub a new order belongs to): who may take it in, for which hub."""
    # Memberships outlive a deactivated account; every other move refuses such users
    # (acting_unit), so taking new requests must too.
    units = actor.units_with_role(*INTAKE_ROLES) if actor.is_active else []
    for unit in units:
        unit_hub = unit.hub()
        if unit_hub is None:
            continue
        if hub is None or unit_hub.pk == hub.pk or hub.path.startswith(unit_hub.path):
            return unit, hub or unit_hub
    raise PermissionDenied(_("您没有受理工单的权限。"))


def authorize(
    user: User | None,
    order: WorkOrder,
    action: str,
    *,
    assisting: Callable[[], Iterable[OrgUnit]] | None = None,
    consulted: Callable[[], Iterable[OrgUnit]] | None = None,
    grounds: Callable[[], Iterable[AccessRule]] = access_rules,
) -> tuple[Side, OrgUnit | None]:
    """The side and unit through which `user` may make `action`; raises PermissionDenied.
    `assisting`, `consulted`, `grounds`: as for acting_unit."""
    move = MOVES[action]
    for side in sorted(move.sides, key=lambda s: s.value):
        if side is Side.SYSTEM:
            if user is None:
                return side, None
            continue
        unit = acting_unit(user, order, side, assisting=assisting, consulted=consulted, action=action, grounds=grounds)
        if unit is not None:
            return side, unit
    raise PermissionDenied(
        _("您无权对工单 %(number)s 执行“%(action)s”。")
        % {
            "number": order.number,
            "action": move.label,
        }
    )


def can(
    user: User | None,
    order: WorkOrder,
    action: str,
    *,
    assisting: Callable[[], Iterable[OrgUnit]] | None = None,
    consulted: Callable[[], Iterable[OrgUnit]] | None = None,
) -> bool:
    """Whether `user` may make `action`; `assisting`, `consulted`: as for acting_unit (a page
    asking for every move reads the order's units once)."""
    try:
        authorize(user, order, action, assisting=assisting, consulted=consulted)
    except PermissionDenied:
        return False
    return True


def visible_orders(user: User) -> QuerySet[WorkOrder]:
    """Orders the user may open: the hub's for hub staff; for a unit, the orders any unit of
    its subtree has worked on (lead or assisting, past or present); always their own."""
    if not user.is_active:
        return WorkOrder.objects.none()
    condition = Q(owner=user)
    hub_roles = {r for roles in _HUB_SIDE_ROLES.values() for r in roles} | {Role.LEADER, Role.ADMIN}
    hubs = hubs_within(user.units_with_role(*hub_roles))
    if hubs:
        condition |= Q(hub_id__in=hubs)
    unit_paths = [u.path for u in user.units_with_role(*UNIT_ROLES)]
    if unit_paths:
        in_units = Q()
        for path in unit_paths:
            in_units |= Q(unit__path__startswith=path)
        worked_on = Assignment.objects.filter(in_units, order=OuterRef("pk"))
        condition |= Q(Exists(worked_on))
    # The registered grounds (liaison officers: the orders of their companies).
    for rule in access_rules():
        extra = rule.sees(user)
        if extra is not None:
            condition |= extra
    return WorkOrder.objects.filter(condition)


def can_view(user: User, order: WorkOrder) -> bool:
    return visible_orders(user).filter(pk=order.pk).exists()


def can_see_identity(user: User, order: WorkOrder, *, may_open: bool | None = None) -> bool:
    """A confidential caller's identity is for the hub only, never the handling units.
    `may_open`: whether the user may open the order, where the caller knows it already."""
    if not user.is_active:
        return False
    if not order.confidential:
        return can_view(user, order) if may_open is None else may_open
    hub_roles = {r for roles in _HUB_SIDE_ROLES.values() for r in roles}
    return order.owner_id == user.pk or covering(user.units_with_role(*hub_roles), order.hub) is not None


def identity_visible(user: User) -> Q:
    """The orders whose caller `user` may know, as a filter (the rule of can_see_identity).

    Apply it wherever orders are looked up or listed by the caller's phone: finding a
    confidential order by a number tells who called just as showing the number does."""
    condition = Q(confidential=False) | Q(owner=user.pk)
    hub_roles = {r for roles in _HUB_SIDE_ROLES.values() for r in roles}
    hubs = hubs_within(user.units_with_role(*hub_roles)) if user.is_active else []
    if hubs:
        condition |= Q(hub_id__in=hubs)
    return condition


# What an order's pages show with it. The category with its parents: the page names it in full
# (Category.full_name).
SHOWN = ("hub", "lead_unit", "category__parent__parent", "area", "owner", "parent", "enterprise", "upper_hub")


def find_visible(
    user: User, number: str, annotations: Mapping[str, Any] | None = None, *, related: Sequence[str] = SHOWN
) -> WorkOrder | None:
    """The order with this number if the user may open it (with what its pages show), else None —
    the same answer for "no such order" and "not yours", so guessing numbers reveals nothing.
    `annotations`: more the page reads with the order, in the same query; `related`: the rows
    it reads with the order (select_related)."""
    found = visible_orders(user).select_related(*related)
    if annotations:
        found = found.annotate(**annotations)
    return found.filter(number=number).first()


def visible_order(
    user: User, number: str, annotations: Mapping[str, Any] | None = None, *, related: Sequence[str] = SHOWN
) -> WorkOrder:
    """find_visible for a page or an API call: the order, or Http404 (the same for "no such
    order" and "not yours")."""
    order = find_visible(user, number, annotations, related=related)
    if order is None:
        raise Http404(_("没有找到该工单，或您无权查看。"))
    return order
