"""Orders and their history as the API shows them to one caller: the same masking and
confidentiality rules as the console (orders.contact.contact_view)."""

from __future__ import annotations

from typing import Any

from civicdesk.catalogue.models import Category
from civicdesk.orders.contact import contact_view
from civicdesk.orders.models import Assignment, OrderEvent, WorkOrder
from civicdesk.orders.moves import available_moves
from civicdesk.orders.permissions import can_see_identity
from civicdesk.orders.privacy import text_for
from civicdesk.orders.timeline import entries
from civicdesk.orders.workflow import State
from civicdesk.org.models import OrgUnit, User

# Keys of event data that hold one unit's primary key, or a list of them.
_UNIT_KEYS = ("lead_unit", "returned_from", "from_unit", "to_unit", "unit")
_UNIT_LIST_KEYS = ("assisting_units",)


def _ref(obj: Any) -> dict[str, str] | None:
    return None if obj is None else {"code": obj.code, "name": obj.name}


def contact(user: User, order: WorkOrder, *, may_open: bool | None = None) -> dict[str, Any]:
    """`may_open`: whether the user may open the order, where the caller knows it already."""
    if not can_see_identity(user, order, may_open=may_open):
        return {"name": None, "phone": None, "masked": True, "hidden": True}
    shown = contact_view(user, order, revealed=False, sees_identity=True)
    return {"name": shown["name"], "phone": shown["phone"], "masked": shown["masked"], "hidden": False}


def order_detail(user: User, order: WorkOrder, *, may_open: bool | None = None, new: bool = False) -> dict[str, Any]:
    """`may_open`: as for contact. `new`: the order was created by this request (it has no
    units yet, so none are looked up)."""
    assignments = (
        [] if new else Assignment.objects.filter(order=order).select_related("unit").order_by("dispatched_at", "pk")
    )
    return {
        "number": order.number,
        "version": order.version,
        "state": order.state,
        "state_label": str(State(order.state).label),
        "channel": order.channel,
        "request_type": order.request_type,
        "urgency": order.urgency,
        # Free text as the caller may read it: a confidential caller's number in it is masked.
        "title": text_for(user, order, order.title),
        "content": text_for(user, order, order.content),
        "address": text_for(user, order, order.address),
        "area": _ref(order.area),
        "category": _ref(order.category),
        # .all(): a new order's topics are known without asking (actions.base.known_topics).
        "topics": sorted(t.code for t in order.topics.all()),
        "latitude": float(order.latitude) if order.latitude is not None else None,
        "longitude": float(order.longitude) if order.longitude is not None else None,
        "confidential": order.confidential,
        "wants_reply": order.wants_reply,
        "contact": contact(user, order, may_open=may_open),
        "enterprise": order.enterprise.credit_code if order.enterprise else None,
        "hub": _ref(order.hub),
        "lead_unit": _ref(order.lead_unit),
        "assignments": [
            {
                "unit": _ref(a.unit),
                "role": a.role,
                "role_label": a.get_role_display(),
                "active": a.active,
                "dispatched_at": a.dispatched_at,
                "sign_due_at": a.sign_due_at,
                "signed_at": a.signed_at,
                "part_text": a.part_text,
                "part_given_at": a.part_given_at,
                "ended_at": a.ended_at,
            }
            for a in assignments
        ],
        "parent": order.parent.number if order.parent else None,
        "upstream_platform": order.upstream_platform,
        "upstream_id": order.upstream_id,
        "upstream_due_at": order.upstream_due_at,
        "created_at": order.created_at,
        "updated_at": order.updated_at,
        "dispatched_at": order.dispatched_at,
        "signed_at": order.signed_at,
        "replied_at": order.replied_at,
        "accepted_at": order.accepted_at,
        "closed_at": order.closed_at,
        "sign_due_at": order.sign_due_at,
        "handle_due_at": order.handle_due_at,
        "callback_due_at": order.callback_due_at,
        "deadline_status": str(order.deadline_status()),
        "extension_days": float(order.extension_days),
        "supervision_level": order.supervision_level,
        "return_count": order.return_count,
        "redispatch_count": order.redispatch_count,
        "rework_count": order.rework_count,
        "reply_result": order.reply_result,
        "reply_text": text_for(user, order, order.reply_text),
        "answer_text": text_for(user, order, order.answer_text),
        "callback_solved": order.callback_solved,
        "callback_satisfaction": order.callback_satisfaction,
        "allowed_actions": available_moves(user, order),
    }


def order_summary(order: WorkOrder, user: User | None = None) -> dict[str, Any]:
    return {
        "number": order.number,
        "version": order.version,
        "state": order.state,
        "state_label": str(State(order.state).label),
        "title": text_for(user, order, order.title),
        "request_type": order.request_type,
        "urgency": order.urgency,
        "category": order.category.code if order.category else None,
        "hub": order.hub.code,
        "lead_unit": order.lead_unit.code if order.lead_unit else None,
        "confidential": order.confidential,
        "created_at": order.created_at,
        "updated_at": order.updated_at,
        "handle_due_at": order.handle_due_at,
        "deadline_status": str(order.deadline_status()),
    }


def _event_data(data: dict[str, Any], codes: dict[int, str], categories: dict[int, str]) -> dict[str, Any]:
    """The event's data with units (and the category) named by code, not database ids."""
    result: dict[str, Any] = {}
    for key, value in data.items():
        if key in _UNIT_KEYS and isinstance(value, int):
            result[key] = codes.get(value)
        elif key in _UNIT_LIST_KEYS and isinstance(value, list):
            result[key] = [codes.get(v) for v in value if isinstance(v, int)]
        elif key == "category" and isinstance(value, int):
            result[key] = categories.get(value)
        elif key == "parent":
            continue  # a database id; parent_number says the same
        else:
            result[key] = value
    return result


def history(order: WorkOrder, user: User | None = None) -> list[dict[str, Any]]:
    events = list(OrderEvent.objects.filter(order=order).select_related("actor", "acting_unit").order_by("seq"))
    unit_ids: set[int] = set()
    category_ids: set[int] = set()
    for event in events:
        for key in _UNIT_KEYS:
            if isinstance(event.data.get(key), int):
                unit_ids.add(event.data[key])
        for key in _UNIT_LIST_KEYS:
            unit_ids.update(v for v in event.data.get(key) or [] if isinstance(v, int))
        if isinstance(event.data.get("category"), int):
            category_ids.add(event.data["category"])
    codes = dict(OrgUnit.objects.filter(pk__in=unit_ids).values_list("pk", "code"))
    categories = dict(Category.objects.filter(pk__in=category_ids).values_list("pk", "code"))
    told = entries(events, show_people=True)
    return [
        {
            "seq": event.seq,
            "at": event.at,
            "action": event.action,
            "label": entry.what,
            "detail": entry.detail,
            "note": text_for(user, order, event.note),
            "from_state": event.from_state,
            "from_state_label": str(State(event.from_state).label) if event.from_state else "",
            "to_state": event.to_state,
            "to_state_label": entry.to_state,
            "who": entry.who,
            "actor": str(event.actor) if event.actor is not None else None,
            "acting_unit": _ref(event.acting_unit),
            "data": _event_data(event.data, codes, categories),
        }
        for event, entry in zip(events, told, strict=True)
    ]
