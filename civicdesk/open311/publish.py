"""What the public may see of an order, in GeoReport v2 terms.

The rich internal lifecycle becomes open / closed (closed = the terminal states), and the
public part of the history becomes plain Chinese notes. Nothing personal leaves: no caller
name, phone or e-mail, no staff names, no internal deliberation (return or extension
requests, supervision, notes between staff).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from civicdesk.catalogue.models import Category
from civicdesk.lib.masking import scrub_text
from civicdesk.orders.models import OrderEvent, TransferRoute, WorkOrder
from civicdesk.orders.workflow import TERMINAL, State
from civicdesk.org.models import OrgUnit

DESCRIPTION_MAX = 4000  # request.json: description maxLength

# Events the public is told about. The others are the hub's and units' own business.
PUBLIC_ACTIONS = frozenset(
    {
        "create",
        "answer",
        "send_to_hub",
        "dispatch",
        "redispatch",
        "approve_return",
        "uphold_objection",
        "decide_consultation",
        "sign",
        "sub_dispatch",
        "approve_extension",
        "approve_suspension",
        "resume",
        "reply",
        "accept_reply",
        "record_callback",
        "close_without_callback",
        "merge",
        "transfer_out",
        "supplement",
        "withdraw",
    }
)

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")


def status(state: str) -> str:
    return "closed" if state in TERMINAL else "open"


def moment(value: datetime | None) -> str | None:
    """ISO 8601 in the center's zone with its offset, e.g. 2026-03-02T09:15:00+08:00."""
    if value is None:
        return None
    return timezone.localtime(value).isoformat(timespec="seconds")


def public_orders(hub: OrgUnit | None = None) -> QuerySet[WorkOrder]:
    """Orders the feed shows: not confidential (the caller asked to stay hidden), not void
    (harassment and test calls), and filed under a service."""
    orders = WorkOrder.objects.filter(confidential=False, category__isnull=False).exclude(state=State.VOID)
    if hub is not None:
        orders = orders.filter(hub__path__startswith=hub.path)
    return orders


def services() -> list[Category]:
    """The leaf categories whose whole lineage is active, by code. A category with children
    is a group even when all of them are switched off."""
    categories = list(Category.objects.select_related("parent__parent").order_by("code"))
    with_children = {c.parent_id for c in categories if c.parent_id is not None}
    result = []
    for category in categories:
        if category.pk in with_children:
            continue
        if all(node.active for node in category.lineage()):
            result.append(category)
    return result


def root_name(category: Category) -> str:
    return category.lineage()[-1].name


def scrub(text: str, order: WorkOrder) -> str:
    """Free text as the public may read it: the caller's name and any phone number or
    e-mail address in it are masked."""
    # The one masking rule of the project (civicdesk.lib.masking): every way of writing a number.
    return scrub_text(_EMAIL.sub("***@***", text), name=order.citizen_name)


@dataclass(frozen=True)
class Note:
    event_id: int
    at: datetime
    description: str
    status: str


def _note_text(event: OrderEvent, units: dict[int, str]) -> str:
    data = event.data or {}
    action = event.action
    if action in ("dispatch", "redispatch", "decide_consultation") or (
        action in ("approve_return", "uphold_objection") and data.get("lead_unit")
    ):
        return _("已派至%(unit)s办理") % {"unit": units.get(data.get("lead_unit") or 0, _("承办单位"))}
    texts = {
        "create": _("诉求已受理"),
        "answer": _("已当场答复，办结"),
        "send_to_hub": _("已提交受理中心，等待派单"),
        "approve_return": _("退回受理中心，重新派单中"),
        "uphold_objection": _("退回受理中心，重新派单中"),
        "sign": _("承办单位已签收，正在办理"),
        "approve_extension": _("办理期限已延长"),
        "approve_suspension": _("暂停办理，等待相关条件具备"),
        "resume": _("恢复办理"),
        "reply": _("承办单位已答复办理结果，等待中心审核"),
        "accept_reply": _("办理结果已审核，等待回访"),
        "close_without_callback": _("已办结"),
        "supplement": _("诉求信息已补充"),
        "withdraw": _("来电人已撤销诉求"),
    }
    if action == "sub_dispatch":
        return _("已交由%(unit)s办理") % {"unit": units.get(data.get("to_unit") or 0, _("下级单位"))}
    if action == "record_callback":
        return _("已回访，办结") if event.to_state == State.CLOSED else _("已回访，退回承办单位重新办理")
    if action == "merge":
        return _("与同一事项的诉求合并办理（并入 %(number)s）") % {"number": data.get("parent_number", "")}
    if action == "transfer_out":
        route = data.get("route")
        where = str(TransferRoute(route).label) if route in TransferRoute.values else _("其他法定途径")
        return _("已转%(route)s处理") % {"route": where}
    return texts.get(action, "")


def unit_names(events: Iterable[OrderEvent]) -> dict[int, str]:
    ids: set[int] = set()
    for event in events:
        for key in ("lead_unit", "to_unit"):
            value = (event.data or {}).get(key)
            if isinstance(value, int):
                ids.add(value)
    return dict(OrgUnit.objects.filter(pk__in=ids).values_list("pk", "name"))


def public_events(orders: QuerySet[WorkOrder] | list[int]) -> QuerySet[OrderEvent]:
    return OrderEvent.objects.filter(order__in=orders, action__in=PUBLIC_ACTIONS).order_by("order_id", "seq")


def notes_by_order(order_ids: list[int]) -> dict[int, list[Note]]:
    events = list(public_events(order_ids).only("id", "order_id", "seq", "action", "at", "to_state", "data"))
    units = unit_names(events)
    result: dict[int, list[Note]] = {}
    for event in events:
        result.setdefault(event.order_id, []).append(
            Note(event.pk, event.at, _note_text(event, units), status(event.to_state))
        )
    return result


def latest_notes(order_ids: list[int]) -> dict[int, list[Note]]:
    """The last public note of each order (what `status_notes` shows), read from one event per
    order rather than each order's whole history."""
    last = (
        OrderEvent.objects.filter(order_id=OuterRef("pk"), action__in=PUBLIC_ACTIONS).order_by("-seq").values("pk")[:1]
    )
    ids = WorkOrder.objects.filter(pk__in=order_ids).annotate(last=Subquery(last)).values_list("last", flat=True)
    events = list(
        OrderEvent.objects.filter(pk__in=[i for i in ids if i is not None]).only(
            "id", "order_id", "seq", "action", "at", "to_state", "data"
        )
    )
    units = unit_names(events)
    return {e.order_id: [Note(e.pk, e.at, _note_text(e, units), status(e.to_state))] for e in events}


def note_for(event: OrderEvent, units: dict[int, str]) -> Note:
    return Note(event.pk, event.at, _note_text(event, units), status(event.to_state))


def service_notice(order: WorkOrder) -> str | None:
    if order.state in TERMINAL:
        return None
    if order.handle_due_at is not None:
        return _("承办单位应于 %(due)s 前办理完毕。") % {
            "due": timezone.localtime(order.handle_due_at).strftime("%Y-%m-%d %H:%M")
        }
    return _("受理中心将按派单目录派至责任单位办理。")


def with_relations(orders: QuerySet[WorkOrder]) -> QuerySet[WorkOrder]:
    return orders.select_related("category", "lead_unit", "area", "parent", "open311_submission")


def request_data(order: WorkOrder, notes: list[Note], *, extensions: bool) -> dict[str, Any]:
    """One request as request.json describes it (and the extensions when asked)."""
    category = order.category
    assert category is not None  # public_orders() only lists orders filed under a service
    latest = notes[-1].description if notes else None
    submission = getattr(order, "open311_submission", None)
    data: dict[str, Any] = {
        "service_request_id": order.number,
        "status": status(order.state),
        "status_notes": latest,
        "service_name": category.name,
        "service_code": category.code,
        "description": scrub(order.content, order)[:DESCRIPTION_MAX],
        "agency_responsible": order.lead_unit.name if order.lead_unit else None,
        "service_notice": service_notice(order),
        "requested_datetime": moment(order.created_at),
        "updated_datetime": moment(order.updated_at),
        "expected_datetime": moment(order.handle_due_at),
        "address": order.address or (order.area.name if order.area else None),
        "address_id": order.area.code if order.area else None,
        "zipcode": None,
        "lat": float(order.latitude) if order.latitude is not None else None,
        "long": float(order.longitude) if order.longitude is not None else None,
        "media_url": (submission.media_url or None) if submission is not None else None,
    }
    if extensions:
        parent = order.parent.number if order.parent is not None else None
        data.update(
            {
                "channel": order.channel,
                "duplicate": parent,
                "parent_service_request_id": parent,
                "notes": [{"datetime": moment(n.at), "description": n.description, "status": n.status} for n in notes],
            }
        )
    return data
