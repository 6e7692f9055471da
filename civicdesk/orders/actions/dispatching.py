"""Sending an order to units and the units' first answers: sign for, pass down, return."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from civicdesk.lib.instances import new
from civicdesk.orders import clock, deadlines, joint
from civicdesk.orders.actions.base import DATABASE, OrderRef, Store, check_move, optional_text, record, require_text
from civicdesk.orders.actions.intake import operator_may_dispatch
from civicdesk.orders.errors import InvalidInput, PermissionDenied
from civicdesk.orders.models import Assignment, AssignmentRole, WorkOrder
from civicdesk.orders.workflow import Side, State
from civicdesk.org.models import HubLink, OrgUnit, Role, User


def _hub_paths(store: Store) -> list[str]:
    return store.memo(("hub_paths",), lambda: list(OrgUnit.objects.filter(is_hub=True).values_list("path", flat=True)))


def _lower_hub_over(store: Store, order: WorkOrder, unit: OrgUnit) -> str | None:
    """The path of a hub below the order's hub that `unit` sits under, if any: that unit is
    the lower hub's to dispatch to (DESIGN §2: a hub runs dispatch for its own subtree), so the
    order goes down through it (hand_down), never straight past it."""
    top = order.hub.path
    for path in _hub_paths(store):
        if path != top and path.startswith(top) and unit.path.startswith(path) and unit.path != path:
            return path
    return None


def _validate_units(order: WorkOrder, lead: OrgUnit, assisting: list[OrgUnit], *, store: Store = DATABASE) -> None:
    problems = []
    for unit in [lead, *assisting]:
        if not unit.active:
            problems.append(_("%(unit)s 已停用") % {"unit": unit.name})
        elif unit.pk == order.hub_id or not unit.path.startswith(order.hub.path):
            problems.append(_("%(unit)s 不是本中心的承办单位") % {"unit": unit.name})
        elif _lower_hub_over(store, order, unit) is not None:
            problems.append(_("%(unit)s 属于下级中心，请下转给下级中心派单") % {"unit": unit.name})
    if lead.pk in {u.pk for u in assisting}:
        problems.append(_("主办单位不能同时是协办单位"))
    if len({u.pk for u in assisting}) != len(assisting):
        problems.append(_("协办单位有重复"))
    if problems:
        message = "；".join(problems) + "。"
        raise InvalidInput(message, fields={"lead_unit": message})


def _lower_hub(order: WorkOrder, unit: OrgUnit, assisting: list[OrgUnit]) -> bool:
    """Whether `unit` is a hub below the order's hub (the order is handed down, not dispatched)."""
    if not unit.is_hub or unit.pk == order.hub_id:
        return False
    if assisting:
        message = _("下转下级中心时不能指定协办单位，由 %(unit)s 自行派单。") % {"unit": unit.name}
        raise InvalidInput(message, fields={"assisting_units": message})
    return True


def _staffed(store: Store, hub: OrgUnit) -> bool:
    # Imported here: the org's membership table is read only for this check.
    from civicdesk.org.models import Membership

    return store.memo(
        ("hub_dispatchers", hub.pk),
        lambda: Membership.objects.filter(
            unit=hub, role=Role.DISPATCHER, user__is_active=True, user__is_service=False
        ).exists(),
    )


def _hand_down(
    store: Store,
    o: WorkOrder,
    lower: OrgUnit,
    *,
    actor: User | None,
    acting_unit: OrgUnit | None,
    note: str,
    extra: dict[str, object] | None = None,
) -> None:
    """The order goes to the dispatch queue of `lower`, a hub below its hub (下转): that hub's
    dispatchers dispatch it on to their units and review what comes back; this hub keeps
    the deadline it set (the lower hub's units never get longer), sees the progress, may
    supervise, and decides what the lower hub hands back (return_to_upper)."""
    check_move(o, "hand_down", actor, store=store)
    if lower.pk == o.hub_id or not lower.active or not lower.path.startswith(o.hub.path):
        message = _("%(unit)s 不是本中心的下级中心。") % {"unit": lower.name}
        raise InvalidInput(message, fields={"lead_unit": message})
    # A remote hub's dispatchers work on their own system (civicdesk.upstream takes it there).
    if not lower.remote and not _staffed(store, lower):
        message = _("%(unit)s 没有在岗派单员，无法下转。") % {"unit": lower.name}
        raise InvalidInput(message, fields={"lead_unit": message})
    at = clock.now()
    upper = o.hub
    previous_lead = o.lead_unit_id
    store.end_assignments(o, at, "redispatched")
    if o.first_dispatched_at is None:
        o.first_dispatched_at = at
    # The upper hub's deadline for the lower hub: its own handling limit from now, within
    # any deadline a level above it set.
    deadlines.start_clock(o, at)
    if o.upper_hub_id is not None:
        o.outer_levels = [
            *o.outer_levels,
            {
                "hub": o.hub_id,
                "upper_hub": o.upper_hub_id,
                "upper_due_at": o.upper_due_at.isoformat() if o.upper_due_at else None,
                "callback_upper": o.callback_upper,
            },
        ]
    callback_upper = store.memo(("callback_upper", upper.pk, lower.pk), lambda: HubLink.callback_by_upper(upper, lower))
    o.upper_hub = upper
    o.upper_due_at = o.handle_due_at
    o.callback_upper = callback_upper
    o.awaiting_upper = False
    o.hub = lower
    o.lead_unit = None
    o.dispatched_at = at
    o.signed_at = None
    o.resume_state = ""
    data: dict[str, object] = {
        **(extra or {}),
        "from_hub": upper.pk,
        "to_hub": lower.pk,
        "previous_lead": previous_lead,
        "upper_due_at": o.upper_due_at.isoformat() if o.upper_due_at else None,
        "callback_by": "upper" if callback_upper else "lower",
    }
    record(
        o,
        "hand_down",
        actor,
        store=store,
        to_state=State.PENDING_DISPATCH,
        acting_unit=acting_unit,
        note=note,
        data=data,
    )


def hand_down(
    order: OrderRef,
    *,
    actor: User | None,
    lower_hub: OrgUnit,
    note: str = "",
    expected_version: int | None = None,
    store: Store = DATABASE,
) -> WorkOrder:
    """Hand the order to a hub below this one (下转): see _hand_down. Dispatching or
    re-dispatching to a hub makes the same move."""
    note = optional_text(note, "note")
    with store.locked(order, expected_version) as o:
        side, unit = check_move(o, "hand_down", actor, store=store)
        operator = side is Side.INTAKE and actor is not None and not actor.units_with_role(Role.DISPATCHER)
        if operator and not operator_may_dispatch():
            raise PermissionDenied(_("本中心不允许话务员直接派单，请提交派单员。"))
        if not lower_hub.is_hub or lower_hub.pk == o.hub_id:
            message = _("%(unit)s 不是本中心的下级中心。") % {"unit": lower_hub.name}
            raise InvalidInput(message, fields={"lower_hub": message})
        if o.state in (State.DISPATCHED, State.SIGNED):
            o.redispatch_count += 1
        _hand_down(store, o, lower_hub, actor=actor, acting_unit=unit, note=note)
    return o


def _pop_level(o: WorkOrder) -> OrgUnit:
    """The order leaves the lower hub's queue and goes back to the hub that handed it down;
    returns the lower hub."""
    lower = o.hub
    assert o.upper_hub is not None
    o.hub = o.upper_hub
    o.awaiting_upper = False
    outer = list(o.outer_levels)
    if outer:
        level = outer.pop()
        o.upper_hub = OrgUnit.objects.get(pk=level["upper_hub"]) if level["upper_hub"] else None
        o.upper_due_at = datetime.fromisoformat(level["upper_due_at"]) if level["upper_due_at"] else None
        o.callback_upper = bool(level["callback_upper"])
    else:
        o.upper_hub = None
        o.upper_due_at = None
        o.callback_upper = False
    o.outer_levels = outer
    return lower


def _send_to_units(
    store: Store,
    order: WorkOrder,
    lead: OrgUnit,
    assisting: list[OrgUnit],
    at: datetime,
    *,
    end_reason: str = "redispatched",
    part_days: float | None = None,
    part_days_by_unit: Mapping[int, float] | None = None,
    lead_days: float | None = None,
) -> dict[str, object]:
    """Create the assignments, count re-dispatches and A→B→A bounces, start the clock."""
    previous_leads = store.lead_history(order)
    store.end_assignments(order, at, end_reason)
    if order.first_dispatched_at is not None:
        order.redispatch_count += 1
    else:
        order.first_dispatched_at = at
    bounced = bool(previous_leads) and lead.pk in previous_leads and previous_leads[-1] != lead.pk
    if bounced:
        order.bounce_count += 1
    order.lead_unit = lead
    order.dispatched_at = at
    order.signed_at = None
    order.resume_state = ""
    deadlines.start_clock(order, at)
    if lead_days is not None:
        deadlines.own_handling_days(order, at, lead_days)
    store.add_assignment(
        new(
            Assignment,
            order=order,
            unit=lead,
            role=AssignmentRole.LEAD,
            dispatched_at=at,
            sign_due_at=order.sign_due_at,
        )
    )
    part_due_at = joint.part_due(order, at, part_days) if assisting else None
    own = part_days_by_unit or {}
    for unit in assisting:
        store.add_assignment(
            new(
                Assignment,
                order=order,
                unit=unit,
                role=AssignmentRole.ASSIST,
                dispatched_at=at,
                sign_due_at=order.sign_due_at,
                # A unit's own number of days (each department's time in a parallel approval).
                part_due_at=joint.part_due(order, at, own[unit.pk]) if unit.pk in own else part_due_at,
            )
        )
    return {
        "lead_unit": lead.pk,
        "assisting_units": [u.pk for u in assisting],
        "bounce": bounced,
        "sign_due_at": order.sign_due_at.isoformat() if order.sign_due_at else None,
        "handle_due_at": order.handle_due_at.isoformat() if order.handle_due_at else None,
    }


def dispatch(
    order: OrderRef,
    *,
    actor: User | None,
    lead_unit: OrgUnit,
    assisting_units: Iterable[OrgUnit] = (),
    note: str = "",
    part_days: float | str | None = None,
    part_days_by_unit: Mapping[int, float | str] | None = None,
    lead_days: float | str | None = None,
    expected_version: int | None = None,
    auto: dict[str, object] | None = None,
    store: Store = DATABASE,
) -> WorkOrder:
    """Send a new order to one lead unit and any assisting units (派单). `part_days`: the
    assisting units' working days for their parts (default: the 协办时限 policy);
    `part_days_by_unit`: unit id → that unit's own working days, overriding it; `lead_days`:
    the lead unit's own working days, its handling deadline in place of the policy's (a
    parallel approval's lead department). `auto`: the dispatch model's version and
    confidence, kept on the event (system actor only)."""
    note = optional_text(note, "note")
    days = joint.clean_part_days(part_days)
    own_days = {pk: joint.clean_part_days(value) for pk, value in (part_days_by_unit or {}).items()}
    lead = joint.clean_lead_days(lead_days)
    assisting = list(assisting_units)
    if lead is not None:
        _parts_within_lead(lead, assisting, days, own_days)
    with store.locked(order, expected_version) as o:
        side, unit = check_move(o, "dispatch", actor, store=store)
        if (
            side is Side.INTAKE
            and actor is not None
            and not actor.units_with_role(Role.DISPATCHER)
            and not operator_may_dispatch()
        ):
            raise PermissionDenied(_("本中心不允许话务员直接派单，请提交派单员。"))
        if _lower_hub(o, lead_unit, assisting):
            if auto is not None:
                raise PermissionDenied(_("分派模型不能下转下级中心。"))
            _hand_down(store, o, lead_unit, actor=actor, acting_unit=unit, note=note)
            return o
        _validate_units(o, lead_unit, assisting, store=store)
        own = {pk: d for pk, d in own_days.items() if d is not None}
        data = _send_to_units(
            store, o, lead_unit, assisting, clock.now(), part_days=days, part_days_by_unit=own, lead_days=lead
        )
        if own:
            data = {**data, "part_days_by_unit": {str(pk): d for pk, d in own.items()}}
        if lead is not None:
            # Read back on rework (own_lead_days): the lead unit keeps its own time.
            data = {**data, "lead_days": lead}
        if auto is not None:
            # Only the system side (the dispatch model) dispatches on its own.
            if side is not Side.SYSTEM:
                raise PermissionDenied(_("只有分派模型可以自动派单。"))
            data = {**data, "auto": True, **auto}
        record(o, "dispatch", actor, store=store, to_state=State.DISPATCHED, acting_unit=unit, note=note, data=data)
    return o


def _parts_within_lead(
    lead: float, assisting: list[OrgUnit], days: float | None, own_days: Mapping[int, float | None]
) -> None:
    """An assisting part is never due after the lead unit's own deadline (joint.part_due
    would cut it there): a longer part is refused with its unit named, never cut silently."""
    longer: list[tuple[str, float]] = []
    for unit in assisting:
        own = own_days.get(unit.pk)
        part = own if own is not None else days
        if part is not None and part > lead:
            longer.append((unit.name, part))
    if longer:
        message = _("%(units)s 的时限长于牵头部门的时限（%(lead)g 个工作日）：各部门须在牵头部门汇总之前出具意见。") % {
            "units": "、".join(f"{name}（{part:g}）" for name, part in longer),
            "lead": lead,
        }
        raise InvalidInput(message, fields={"lead_days": message})


def own_lead_days(store: Store, order: WorkOrder) -> float | None:
    """The lead unit's own working days, if the dispatch that sent the order to it gave some
    (a later re-dispatch, return or decision sends it under the policy again)."""
    last = store.last_event(
        order, ("dispatch", "redispatch", "approve_return", "uphold_objection", "decide_consultation", "hand_down")
    )
    if last is None or last[0] != "dispatch" or last[1].get("lead_days") is None:
        return None
    return float(last[1]["lead_days"])


def undo_auto_dispatch(
    order: OrderRef, *, actor: User, reason: str, expected_version: int | None = None, store: Store = DATABASE
) -> WorkOrder:
    """The hub takes back an order the dispatch model sent out, before the unit signed for
    it (撤销自动派单): back to the dispatch queue; the unit is told to leave it."""
    text = require_text(reason, "reason", _("请填写撤销原因。"))
    with store.locked(order, expected_version) as o:
        _side, unit = check_move(o, "undo_auto_dispatch", actor, store=store)
        last = store.last_event(o, ("dispatch", "redispatch", "approve_return", "sub_dispatch"))
        if last is None or last[0] != "dispatch" or not last[1].get("auto"):
            raise InvalidInput(
                _("工单 %(number)s 不是由分派模型自动派出的，不能撤销；如派错请改派。") % {"number": o.number}
            )
        undone_from = o.lead_unit_id
        store.end_assignments(o, clock.now(), "redispatched")
        o.lead_unit = None
        o.resume_state = ""
        record(
            o,
            "undo_auto_dispatch",
            actor,
            store=store,
            to_state=State.PENDING_DISPATCH,
            acting_unit=unit,
            note=text,
            data={"redispatched_from": undone_from, "model_version": last[1].get("model_version")},
        )
    return o


def redispatch(
    order: OrderRef,
    *,
    actor: User,
    lead_unit: OrgUnit,
    assisting_units: Iterable[OrgUnit] = (),
    reason: str,
    part_days: float | str | None = None,
    expected_version: int | None = None,
    store: Store = DATABASE,
) -> WorkOrder:
    """The hub sends an order that is with a unit elsewhere (改派)."""
    text = require_text(reason, "reason", _("请填写改派原因。"))
    days = joint.clean_part_days(part_days)
    assisting = list(assisting_units)
    with store.locked(order, expected_version) as o:
        _side, unit = check_move(o, "redispatch", actor, store=store)
        if o.lead_unit_id == lead_unit.pk:
            message = _("工单已在 %(unit)s 办理。") % {"unit": lead_unit.name}
            raise InvalidInput(message, fields={"lead_unit": message})
        if _lower_hub(o, lead_unit, assisting):
            o.redispatch_count += 1
            _hand_down(store, o, lead_unit, actor=actor, acting_unit=unit, note=text, extra={"redispatch": True})
            return o
        _validate_units(o, lead_unit, assisting, store=store)
        redispatched_from = o.lead_unit_id  # read before the units change
        sent = _send_to_units(store, o, lead_unit, assisting, clock.now(), part_days=days)
        data = {"redispatched_from": redispatched_from, **sent}
        record(o, "redispatch", actor, store=store, to_state=State.DISPATCHED, acting_unit=unit, note=text, data=data)
    return o


def sign_for(
    order: OrderRef, *, actor: User, expected_version: int | None = None, store: Store = DATABASE
) -> WorkOrder:
    """The lead unit accepts that the order reached it (签收)."""
    with store.locked(order, expected_version) as o:
        _side, unit = check_move(o, "sign", actor, store=store)
        now = clock.now()
        o.signed_at = now
        for assignment in store.active_assignments(o):
            if assignment.unit_id == o.lead_unit_id:
                assignment.signed_at = now
                store.save_assignment(assignment, ["signed_at"])
        on_time = o.sign_due_at is None or now <= o.sign_due_at
        record(o, "sign", actor, store=store, to_state=State.SIGNED, acting_unit=unit, data={"on_time": on_time})
    return o


def sign_part(
    order: OrderRef, *, actor: User, expected_version: int | None = None, store: Store = DATABASE
) -> WorkOrder:
    """An assisting unit signs for its part of a joint order."""
    with store.locked(order, expected_version) as o:
        _side, unit = check_move(o, "sign_part", actor, store=store)
        assignment = assisting_assignment(store, o, unit)
        if assignment.signed_at is not None:
            raise InvalidInput(_("%(unit)s 已签收。") % {"unit": unit.name if unit else ""})
        assignment.signed_at = clock.now()
        store.save_assignment(assignment, ["signed_at"])
        record(o, "sign_part", actor, store=store, acting_unit=unit, data={"unit": assignment.unit_id})
    return o


def sub_dispatch(
    order: OrderRef,
    *,
    actor: User,
    sub_unit: OrgUnit,
    note: str = "",
    expected_version: int | None = None,
    store: Store = DATABASE,
) -> WorkOrder:
    """The lead unit passes the order down to one of its sub-units (下派). The deadlines
    stay: the upper unit remains accountable for the time it promised."""
    note = optional_text(note, "note")
    with store.locked(order, expected_version) as o:
        _side, unit = check_move(o, "sub_dispatch", actor, store=store)
        lead = o.lead_unit
        assert lead is not None
        if sub_unit.pk == lead.pk or not sub_unit.path.startswith(lead.path) or not sub_unit.active:
            message = _("只能下派给 %(unit)s 的下级单位。") % {"unit": lead.name}
            raise InvalidInput(message, fields={"sub_unit": message})
        active = store.active_assignments(o)
        if any(a.unit_id == sub_unit.pk for a in active):
            # Already an assisting unit of this order: one unit cannot hold two parts of it.
            message = _("%(unit)s 已是本工单的协办单位，不能再下派给它。") % {"unit": sub_unit.name}
            raise InvalidInput(message, fields={"sub_unit": message})
        now = clock.now()
        parent = _only([a for a in active if a.unit_id == lead.pk and a.role == AssignmentRole.LEAD])
        parent.active = False
        parent.ended_at = now
        parent.end_reason = "sub_dispatched"
        store.save_assignment(parent, ["active", "ended_at", "end_reason"])
        store.add_assignment(
            Assignment(
                order=o,
                unit=sub_unit,
                role=AssignmentRole.LEAD,
                dispatched_at=now,
                parent=parent,
                sign_due_at=o.sign_due_at,
            )
        )
        o.lead_unit = sub_unit
        o.signed_at = None
        record(
            o,
            "sub_dispatch",
            actor,
            store=store,
            to_state=State.DISPATCHED,
            acting_unit=unit,
            note=note,
            data={"from_unit": lead.pk, "to_unit": sub_unit.pk},
        )
    return o


def request_return(
    order: OrderRef,
    *,
    actor: User,
    reason: str,
    legal_basis: str = "",
    expected_version: int | None = None,
    store: Store = DATABASE,
) -> WorkOrder:
    """The unit says the order is not theirs, with the reason (and the rule) why (退单)."""
    text = require_text(reason, "reason", _("请填写退单理由。"))
    basis = optional_text(legal_basis, "legal_basis", max_length=500)
    with store.locked(order, expected_version) as o:
        _side, unit = check_move(o, "request_return", actor, store=store)
        if _bound_by_decision(store, o):
            message = _(
                "本工单经疑难件会商决定由本单位承办，会商决定具有约束力，不能退单；确有困难请申请延期或联系受理中心。"
            )
            raise InvalidInput(message, fields={"reason": message})
        if o.return_due_at is not None and clock.now() > o.return_due_at:
            message = _("已超过退单时限（%(due)s），请按时办理或申请延期。") % {"due": _local(o.return_due_at)}
            raise InvalidInput(message, fields={"reason": message})
        o.resume_state = o.state
        record(
            o,
            "request_return",
            actor,
            store=store,
            to_state=State.RETURN_REQUESTED,
            acting_unit=unit,
            note=text,
            data={"legal_basis": basis, "unit": o.lead_unit_id},
        )
    return o


def approve_return(
    order: OrderRef,
    *,
    actor: User,
    note: str = "",
    new_lead_unit: OrgUnit | None = None,
    assisting_units: Iterable[OrgUnit] = (),
    expected_version: int | None = None,
    store: Store = DATABASE,
) -> WorkOrder:
    """The hub accepts the return: back to the dispatch queue, or straight to a new unit."""
    note = optional_text(note, "note")
    assisting = list(assisting_units)
    with store.locked(order, expected_version) as o:
        _side, unit = check_move(o, "approve_return", actor, store=store)
        now = clock.now()
        returned_from = o.lead_unit_id
        o.return_count += 1
        data: dict[str, object] = {"returned_from": returned_from}
        if o.awaiting_upper:
            # The lower hub handed the order back up: it leaves the lower hub's queue.
            data = {"returned_from_hub": _pop_level(o).pk}
            returned_from = None
        if new_lead_unit is not None and _lower_hub(o, new_lead_unit, assisting):
            message = _("请先同意退单（退回待派单），再下转给 %(unit)s。") % {"unit": new_lead_unit.name}
            raise InvalidInput(message, fields={"new_lead_unit": message})
        if new_lead_unit is not None:
            if new_lead_unit.pk == returned_from:
                message = _("不能改派回退单的单位。")
                raise InvalidInput(message, fields={"new_lead_unit": message})
            _validate_units(o, new_lead_unit, assisting, store=store)
            data.update(_send_to_units(store, o, new_lead_unit, assisting, now, end_reason="returned"))
            target = State.DISPATCHED
        else:
            store.end_assignments(o, now, "returned")
            o.lead_unit = None
            o.resume_state = ""
            target = State.PENDING_DISPATCH
        record(o, "approve_return", actor, store=store, to_state=target, acting_unit=unit, note=note, data=data)
    return o


def refuse_return(
    order: OrderRef, *, actor: User, reason: str, expected_version: int | None = None, store: Store = DATABASE
) -> WorkOrder:
    text = require_text(reason, "reason", _("请填写驳回理由。"))
    with store.locked(order, expected_version) as o:
        _side, unit = check_move(o, "refuse_return", actor, store=store)
        target = o.resume_state or State.DISPATCHED
        o.resume_state = ""
        # A hand-back refused: the order stays in the lower hub's queue.
        o.awaiting_upper = False
        # Whose return was refused, and by whom: the unit may object once, to someone else
        # (civicdesk.orders.actions.objection).
        data = {"unit": o.lead_unit_id, "by": actor.pk}
        record(o, "refuse_return", actor, store=store, to_state=target, acting_unit=unit, note=text, data=data)
    return o


def return_to_upper(
    order: OrderRef, *, actor: User, reason: str, expected_version: int | None = None, store: Store = DATABASE
) -> WorkOrder:
    """The lower hub says a handed-down order is not for it, with the reason (退回上级中心);
    the hub above decides, with approve_return or refuse_return."""
    text = require_text(reason, "reason", _("请填写退回理由。"))
    with store.locked(order, expected_version) as o:
        _side, unit = check_move(o, "return_to_upper", actor, store=store)
        if o.upper_hub_id is None:
            raise InvalidInput(_("工单 %(number)s 不是上级中心下转的，不能退回上级。") % {"number": o.number})
        o.resume_state = o.state
        o.awaiting_upper = True
        record(
            o,
            "return_to_upper",
            actor,
            store=store,
            to_state=State.RETURN_REQUESTED,
            acting_unit=unit,
            note=text,
            data={"hub": o.hub_id, "upper_hub": o.upper_hub_id},
        )
    return o


def _bound_by_decision(store: Store, order: WorkOrder) -> bool:
    """Whether the unit now leading the order was fixed by a consultation's decision (as
    lead or assisting unit) that the hub has not since overridden by sending it elsewhere."""
    decided = store.last_event(order, ("decide_consultation",))
    if decided is None:
        return False
    data = decided[1]
    bound = {data.get("lead_unit"), *(data.get("assisting_units") or [])}
    leads = store.lead_history(order)
    # The unit the hub sent it to last (a sub-unit it passed the order down to answers for it).
    return bool(leads) and leads[-1] in bound


def assisting_assignment(store: Store, order: WorkOrder, unit: OrgUnit | None) -> Assignment:
    """The active assisting assignment of `unit` on the order."""
    return _only(
        [
            a
            for a in store.active_assignments(order)
            if unit is not None and a.unit_id == unit.pk and a.role == AssignmentRole.ASSIST
        ]
    )


def _only(assignments: list[Assignment]) -> Assignment:
    # The one row a move is about; anything else is the same error a .get() would raise.
    if not assignments:
        raise Assignment.DoesNotExist("Assignment matching query does not exist.")
    if len(assignments) > 1:
        raise Assignment.MultipleObjectsReturned(f"{len(assignments)} active assignments of one unit")
    return assignments[0]


def _local(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")
