"""退单异议 (objection to a refused return).

A unit whose return the hub refused may object, once per order, right after the refusal;
the objection goes to a second level — the roles settings.CIVICDESK_OBJECTION_REVIEWERS
names, at the order's hub or a hub above it, never the person who refused — whose ruling
is final: upheld, the return is approved after all (back to dispatch, or straight to
another unit); rejected, the unit keeps the order ("reject_objection", which the monthly
assessment counts against the unit).

Each event names the objecting unit in data["unit"], so the figures per unit
(civicdesk.statistics.procedures) need nothing else.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext as _

from civicdesk.orders import clock
from civicdesk.orders.actions.base import DATABASE, OrderRef, Store, check_move, optional_text, record, require_text
from civicdesk.orders.actions.dispatching import _send_to_units, _validate_units
from civicdesk.orders.errors import InvalidInput, PermissionDenied
from civicdesk.orders.models import WorkOrder
from civicdesk.orders.store import History
from civicdesk.orders.workflow import State
from civicdesk.org.models import OrgUnit, User

# What happened to the order's units since a refusal, latest first: an objection must
# follow the refusal with none of these in between.
_SINCE_REFUSAL = (
    "dispatch",
    "redispatch",
    "sub_dispatch",
    "undo_auto_dispatch",
    "request_return",
    "approve_return",
    "refuse_return",
    "decide_consultation",
    "convene_consultation",
    "object_to_refusal",
    "uphold_objection",
    "reject_objection",
)


def why_no_objection(store: History, order: WorkOrder) -> str:
    """Why the lead unit may not object now ("" if it may): an objection follows the
    refusal of this unit's own return, with nothing in between, once per unit and order."""
    last = store.last_event(order, _SINCE_REFUSAL)
    if last is None or last[0] != "refuse_return" or last[1].get("unit") != order.lead_unit_id:
        return _("只能在本单位的退单申请被驳回后提出异议。")
    if any(data.get("unit") == order.lead_unit_id for _a, data in store.events_of(order, ("object_to_refusal",))):
        return _("本单位已就该工单提出过退单异议，每个单位只能提出一次。")
    return ""


def object_to_refusal(
    order: OrderRef, *, actor: User, reason: str, expected_version: int | None = None, store: Store = DATABASE
) -> WorkOrder:
    """The lead unit objects to the refusal of its return (提出退单异议), once per order."""
    text = require_text(reason, "reason", _("请填写异议理由。"))
    with store.locked(order, expected_version) as o:
        _side, unit = check_move(o, "object_to_refusal", actor, store=store)
        refusal = store.last_event(o, _SINCE_REFUSAL)
        problem = why_no_objection(store, o)
        if problem or refusal is None:
            raise InvalidInput(problem)
        o.resume_state = o.state
        record(
            o,
            "object_to_refusal",
            actor,
            store=store,
            to_state=State.OBJECTION_REVIEW,
            acting_unit=unit,
            note=text,
            data={"unit": o.lead_unit_id, "refused_by": refusal[1].get("by")},
        )
    return o


def _objection(store: Store, order: WorkOrder, actor: User) -> int | None:
    """The objecting unit; refuses the person who refused the return (the second level is someone else)."""
    last = store.last_event(order, ("object_to_refusal",))
    data = last[1] if last is not None else {}
    if data.get("refused_by") is not None and data.get("refused_by") == actor.pk:
        raise PermissionDenied(_("驳回退单的人员不能复核对该驳回的异议，请由其他复核人员裁定。"))
    unit = data.get("unit")
    return int(unit) if unit is not None else None


def uphold_objection(
    order: OrderRef,
    *,
    actor: User,
    note: str = "",
    new_lead_unit: OrgUnit | None = None,
    assisting_units: Iterable[OrgUnit] = (),
    expected_version: int | None = None,
    store: Store = DATABASE,
) -> WorkOrder:
    """The second level finds the objection valid (异议成立): the return is approved after
    all — back to the dispatch queue, or straight to another unit."""
    text = optional_text(note, "note")
    assisting = list(assisting_units)
    with store.locked(order, expected_version) as o:
        _side, unit = check_move(o, "uphold_objection", actor, store=store)
        objector = _objection(store, o, actor)
        now = clock.now()
        returned_from = o.lead_unit_id
        o.return_count += 1
        data: dict[str, object] = {"unit": objector, "returned_from": returned_from}
        if new_lead_unit is not None:
            if new_lead_unit.pk == returned_from:
                message = _("不能改派回提出异议的单位。")
                raise InvalidInput(message, fields={"new_lead_unit": message})
            _validate_units(o, new_lead_unit, assisting, store=store)
            data.update(_send_to_units(store, o, new_lead_unit, assisting, now, end_reason="returned"))
            target = State.DISPATCHED
        else:
            store.end_assignments(o, now, "returned")
            o.lead_unit = None
            o.resume_state = ""
            target = State.PENDING_DISPATCH
        record(o, "uphold_objection", actor, store=store, to_state=target, acting_unit=unit, note=text, data=data)
    return o


def reject_objection(
    order: OrderRef, *, actor: User, reason: str, expected_version: int | None = None, store: Store = DATABASE
) -> WorkOrder:
    """The second level finds the objection unfounded (异议不成立); final: the unit keeps the
    order and handles it."""
    text = require_text(reason, "reason", _("请填写不予支持的理由。"))
    with store.locked(order, expected_version) as o:
        _side, unit = check_move(o, "reject_objection", actor, store=store)
        objector = _objection(store, o, actor)
        target = o.resume_state or State.DISPATCHED
        o.resume_state = ""
        record(
            o,
            "reject_objection",
            actor,
            store=store,
            to_state=target,
            acting_unit=unit,
            note=text,
            data={"unit": objector},
        )
    return o
