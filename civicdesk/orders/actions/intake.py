"""Taking a request in, and the ways it can end at the intake desk."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, Protocol

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from civicdesk.catalogue.models import Area, Category, Channel, RequestType, Topic, Urgency
from civicdesk.catalogue.tagging import with_enterprise_topic
from civicdesk.lib.instances import new
from civicdesk.orders import attachments as attachment_files
from civicdesk.orders import clock, repeats
from civicdesk.orders.actions.base import (
    CREATED,
    DATABASE,
    OrderRef,
    Store,
    check_move,
    is_choice,
    optional_text,
    record,
    record_creation,
    require_text,
)
from civicdesk.orders.errors import InvalidInput, PermissionDenied
from civicdesk.orders.models import WITHDRAW_VIA, TransferRoute, WorkOrder
from civicdesk.orders.workflow import MOVES, Side, State
from civicdesk.org.models import OrgUnit, User

_PHONE = re.compile(r"^\+?[0-9][0-9\- ]{5,18}[0-9]$")
TITLE_MAX = 200
CONTENT_MAX = 5000
# Said only when a field is missing: translated then, not for every new order.
_NO_TITLE = gettext_lazy("请填写标题。")
_NO_CONTENT = gettext_lazy("请填写诉求内容。")


class EnterpriseRef(Protocol):
    """The enterprise an order concerns, as the core needs it. The register is the enterprises
    app's; the core names the company only by its key, so it never imports that app."""

    @property
    def pk(self) -> Any: ...

    name: str
    credit_code: str


def next_number(day_moment: datetime | None = None) -> str:
    """The next order number of the local day, e.g. 2026120100017. Must run in a transaction."""
    return DATABASE.next_number(day_moment or clock.now())


def _validate_phone(phone: str) -> str:
    phone = (phone or "").strip()
    # The pattern admits up to 21 characters ("+" and 20 more); the column holds 20.
    if phone and (not _PHONE.match(phone) or len(phone) > 20):
        message = _("电话号码格式不正确（只能包含数字、空格和连字符）。")
        raise InvalidInput(message, fields={"citizen_phone": message})
    return phone


def _choice(value: str, choices: type[Channel] | type[RequestType] | type[Urgency], field: str) -> str:
    if not is_choice(value, choices):
        message = _("请选择有效的选项。")
        raise InvalidInput(message, fields={field: message})
    return value


def validated_fields(
    *,
    channel: str,
    request_type: str,
    urgency: str,
    title: str,
    content: str,
    address: str,
    citizen_name: str,
    citizen_phone: str,
    upstream_platform: str,
    upstream_id: str,
    latitude: Decimal | None,
    longitude: Decimal | None,
) -> dict[str, str]:
    """A new order's text fields, checked and cleaned; InvalidInput names the field at fault.
    (The demo's bulk generator calls this too, so both refuse exactly the same input.)"""
    fields = {
        "channel": _choice(channel, Channel, "channel"),
        "request_type": _choice(request_type, RequestType, "request_type"),
        "urgency": _choice(urgency, Urgency, "urgency"),
        "title": require_text(title, "title", _NO_TITLE, max_length=TITLE_MAX),
        "content": require_text(content, "content", _NO_CONTENT, max_length=CONTENT_MAX),
        "address": optional_text(address, "address", max_length=255),
        "citizen_name": optional_text(citizen_name, "citizen_name", max_length=50),
        "citizen_phone": _validate_phone(citizen_phone),
        "upstream_platform": optional_text(upstream_platform, "upstream_platform", max_length=40),
        "upstream_id": optional_text(upstream_id, "upstream_id", max_length=64),
    }
    if (latitude is None) != (longitude is None):
        message = _("经纬度需同时填写。")
        raise InvalidInput(message, fields={"latitude": message})
    if latitude is not None and longitude is not None and not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        message = _("经纬度超出范围。")
        raise InvalidInput(message, fields={"latitude": message})
    if fields["upstream_id"] and not fields["upstream_platform"]:
        message = _("填写上级平台编号时须注明上级平台。")
        raise InvalidInput(message, fields={"upstream_platform": message})
    return fields


def create_order(
    *,
    actor: User,
    channel: str,
    request_type: str,
    title: str,
    content: str,
    urgency: str = Urgency.NORMAL,
    address: str = "",
    area: Area | None = None,
    category: Category | None = None,
    topics: Iterable[Topic] = (),
    citizen_name: str = "",
    citizen_phone: str = "",
    confidential: bool = False,
    wants_reply: bool = True,
    enterprise: EnterpriseRef | None = None,
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
    hub: OrgUnit | None = None,
    upstream_platform: str = "",
    upstream_id: str = "",
    upstream_due_at: datetime | None = None,
    upstream_margin: timedelta = timedelta(0),
    upstream_calls_back: bool = False,
    attachments: Iterable[UploadedFile] = (),
    intake_data: dict[str, object] | None = None,
    also: Callable[[WorkOrder], None] | None = None,
    store: Store = DATABASE,
) -> WorkOrder:
    """Record a new request. The actor becomes its first-contact owner. `intake_data` is
    what the channel brought beyond the order's fields (e.g. Open311 attributes, media
    URLs); it is kept on the creation event. `upstream_due_at`: the deadline the upstream
    platform set; our units' deadlines end `upstream_margin` before it (the hub's time to
    review and report back), as under an upper hub (deadlines._capped). `upstream_calls_back`:
    the upstream platform (the CivicDesk above, when its hub pair says so) calls the citizen
    back itself; ours does not (kept as `callback_upper`, as under an upper hub). `also`: what
    the caller writes with the new order, in its transaction (the API's idempotency record),
    so a caller need not hold a transaction of its own around this one."""
    files = attachment_files.validate(attachments)
    fields = validated_fields(
        channel=channel,
        request_type=request_type,
        urgency=urgency,
        title=title,
        content=content,
        address=address,
        citizen_name=citizen_name,
        citizen_phone=citizen_phone,
        upstream_platform=upstream_platform,
        upstream_id=upstream_id,
        latitude=latitude,
        longitude=longitude,
    )
    acting_unit, order_hub = store.intake_unit(actor, hub)
    if upstream_due_at is not None and not fields["upstream_platform"]:
        message = _("填写上级平台时限时须注明上级平台。")
        raise InvalidInput(message, fields={"upstream_platform": message})
    if fields["upstream_id"] and store.upstream_taken(fields["upstream_platform"], fields["upstream_id"]):
        raise _upstream_taken(fields["upstream_id"])
    now = clock.now()
    # Taken before the order's transaction where the caller holds none (the store commits it
    # at once: new orders do not queue behind each other's transactions; a creation that
    # then fails leaves its number unused), else within the caller's transaction.
    number = store.next_number(now)
    with store.creating():
        topic_list = with_enterprise_topic(topics, enterprise is not None)
        # new(): WorkOrder(**fields) without asking its sixty other fields for their defaults.
        order = new(
            WorkOrder,
            number=number,
            owner=actor,
            hub=order_hub,
            area=area,
            category=category,
            confidential=confidential,
            wants_reply=wants_reply,
            enterprise_id=enterprise.pk if enterprise is not None else None,
            latitude=latitude,
            longitude=longitude,
            created_at=now,
            updated_at=now,
            upstream_due_at=upstream_due_at,
            upper_due_at=upstream_due_at - upstream_margin if upstream_due_at is not None else None,
            callback_upper=upstream_calls_back and bool(fields["upstream_platform"]),
            **CREATED,
            **fields,
        )
        # 重复来电, decided once here and kept on the order (civicdesk.orders.repeats).
        later_calls = repeats.settle(order, store.calls_around(order))
        if not store.insert_order(order, topic_list):
            # A concurrent call brought the same upstream order a moment earlier.
            raise _upstream_taken(fields["upstream_id"])
        if later_calls:
            store.mark_repeat_calls(later_calls)
        event = record_creation(
            order,
            actor,
            acting_unit=acting_unit,
            store=store,
            data={
                "channel": order.channel,
                "category": category.pk if category else None,
                "topics": [t.code for t in topic_list],
                "attachments": len(files),
                **({"upstream_due_at": upstream_due_at.isoformat()} if upstream_due_at else {}),
                **({"callback_by": "upstream"} if order.callback_upper else {}),
                **({"intake": intake_data} if intake_data else {}),
            },
        )
        store.attach(order, event, files, actor)
        if also is not None:
            also(order)
    return order


def _upstream_taken(upstream_id: str) -> InvalidInput:
    message = _("上级平台工单 %(id)s 已受理过。") % {"id": upstream_id}
    return InvalidInput(message, fields={"upstream_id": message})


def answer_immediately(
    order: OrderRef,
    *,
    actor: User,
    answer: str,
    article_ids: Iterable[int] = (),
    expected_version: int | None = None,
    store: Store = DATABASE,
) -> WorkOrder:
    """Close on the call (即时答复), recording the knowledge-base articles used."""
    text = require_text(answer, "answer", _("请填写答复内容。"), max_length=CONTENT_MAX)
    with store.locked(order, expected_version) as o:
        _side, unit = check_move(o, "answer", actor, store=store)
        o.answer_text = text
        o.closed_at = clock.now()
        record(
            o,
            "answer",
            actor,
            store=store,
            to_state=State.ANSWERED,
            acting_unit=unit,
            data={"articles": [int(a) for a in article_ids]},
        )
    return o


def send_to_hub(
    order: OrderRef, *, actor: User, note: str = "", expected_version: int | None = None, store: Store = DATABASE
) -> WorkOrder:
    note = optional_text(note, "note")
    with store.locked(order, expected_version) as o:
        _side, unit = check_move(o, "send_to_hub", actor, store=store)
        record(o, "send_to_hub", actor, store=store, to_state=State.PENDING_DISPATCH, acting_unit=unit, note=note)
    return o


def transfer_out(
    order: OrderRef,
    *,
    actor: User,
    route: str,
    told_caller: str,
    expected_version: int | None = None,
    store: Store = DATABASE,
) -> WorkOrder:
    """Send the matter to the emergency line or legal route it belongs to, telling the caller."""
    if route not in TransferRoute.values:
        message = _("请选择转出途径。")
        raise InvalidInput(message, fields={"route": message})
    told = require_text(told_caller, "told_caller", _("请记录告知来电人的内容。"))
    with store.locked(order, expected_version) as o:
        _side, unit = check_move(o, "transfer_out", actor, store=store)
        o.transfer_route = route
        o.closed_at = clock.now()
        record(
            o,
            "transfer_out",
            actor,
            store=store,
            to_state=State.TRANSFERRED,
            acting_unit=unit,
            note=told,
            data={"route": route},
        )
    return o


def _release_units(store: Store, order: WorkOrder, reason: str) -> dict[str, object]:
    """End the parts of every unit still holding the order; the event names them (as
    "units") so they hear that they must stop, though they no longer hold it."""
    held = [a.unit_id for a in store.active_assignments(order)]
    if not held:
        return {}
    store.end_assignments(order, clock.now(), reason)
    return {"units": held}


def _from_platform(side: Side, action: str, order: WorkOrder, platform_key: str) -> dict[str, object]:
    """A move made without a person (the SYSTEM side) only as the upstream platform's, with the
    idempotency key of its message, kept on the event (civicdesk.upstream applies each once and
    does not report it back up)."""
    if side is Side.SYSTEM and not platform_key:
        raise PermissionDenied(
            _("您无权对工单 %(number)s 执行“%(action)s”。") % {"number": order.number, "action": MOVES[action].label}
        )
    return {"platform_key": platform_key} if platform_key and side is Side.SYSTEM else {}


def void(
    order: OrderRef,
    *,
    actor: User | None,
    reason: str,
    platform_key: str = "",
    expected_version: int | None = None,
    store: Store = DATABASE,
) -> WorkOrder:
    """Void a harassing or test call, or a dispatched order that must not be handled (a
    duplicate entered twice, a call made in error). Only the hub may (or the upstream platform
    the order came from: actor None with its `platform_key`); the reason is kept and the units
    holding it are told to stop."""
    text = require_text(reason, "reason", _("请填写作废原因。"), max_length=255)
    with store.locked(order, expected_version) as o:
        side, unit = check_move(o, "void", actor, store=store)
        origin = _from_platform(side, "void", o, platform_key)
        o.void_reason = text
        o.closed_at = clock.now()
        data = {**_release_units(store, o, "voided"), **origin}
        o.resume_state = ""
        record(o, "void", actor, store=store, to_state=State.VOID, acting_unit=unit, note=text, data=data)
    return o


def withdraw(
    order: OrderRef,
    *,
    actor: User | None,
    reason: str,
    via: str = "phone",
    platform_key: str = "",
    expected_version: int | None = None,
    store: Store = DATABASE,
) -> WorkOrder:
    """The citizen takes the request back before it is replied (撤销诉求): by phone (the
    operator records it), on the portal (actor None, after the same check as tracking),
    through the API, or at the upstream platform the order came from (actor None, via
    "upstream", with its message's `platform_key`). The units holding it are told to stop;
    the reason is kept."""
    if via not in WITHDRAW_VIA:
        message = _("撤销渠道无效。")
        raise InvalidInput(message, fields={"via": message})
    text = require_text(reason, "reason", _("请填写撤销原因。"), max_length=500)
    with store.locked(order, expected_version) as o:
        side, unit = check_move(o, "withdraw", actor, store=store)
        upstream = via == "upstream"
        if side is Side.SYSTEM and via != "portal":
            # Without a person, only the portal's own verified citizen may withdraw, or the
            # upstream platform passing on its citizen's withdrawal.
            origin = _from_platform(side, "withdraw", o, platform_key if upstream else "")
        elif upstream:
            message = _("撤销渠道无效。")
            raise InvalidInput(message, fields={"via": message})
        else:
            origin = {}
        o.closed_at = clock.now()
        data = {"via": via, **_release_units(store, o, "withdrawn"), **origin}
        o.resume_state = ""
        record(o, "withdraw", actor, store=store, to_state=State.WITHDRAWN, acting_unit=unit, note=text, data=data)
    return o


def supplement(
    order: OrderRef,
    *,
    actor: User | None,
    text: str,
    attachments: Iterable[UploadedFile] = (),
    platform_key: str = "",
    expected_version: int | None = None,
    store: Store = DATABASE,
) -> WorkOrder:
    """Add information (and photos) to an open order without changing where it stands.
    `platform_key`: the idempotency key of the upstream platform's message that brings it."""
    body = require_text(text, "text", _("请填写补充内容。"), max_length=CONTENT_MAX)
    files = attachment_files.validate(attachments)
    with store.locked(order, expected_version) as o:
        side, unit = check_move(o, "supplement", actor, store=store)
        data: dict[str, object] = {"attachments": len(files)}
        if platform_key and side is Side.SYSTEM:
            data["platform_key"] = platform_key
        event = record(o, "supplement", actor, store=store, acting_unit=unit, note=body, data=data)
        store.attach(o, event, files, actor)
    return o


def link_enterprise(
    order: OrderRef,
    *,
    actor: User | None,
    enterprise: EnterpriseRef,
    expected_version: int | None = None,
    store: Store = DATABASE,
) -> WorkOrder:
    """Link an open order to the enterprise it concerns, after intake (涉企诉求). It gets the
    涉企 topic; recorded as a supplement (补充信息) naming the enterprise. Deadlines already
    running are not recomputed: a unit's clock is set when the order reaches it."""
    with store.locked(order, expected_version) as o:
        _side, unit = check_move(o, "supplement", actor, store=store)
        if o.enterprise_id == enterprise.pk:
            message = _("工单已关联企业 %(name)s。") % {"name": enterprise.name}
            raise InvalidInput(message, fields={"enterprise": message})
        previous = o.enterprise_id
        o.enterprise_id = enterprise.pk
        store.add_topics(o, with_enterprise_topic(store.topics(o), True))
        record(
            o,
            "supplement",
            actor,
            store=store,
            acting_unit=unit,
            note=_("关联企业：%(name)s（%(code)s）") % {"name": enterprise.name, "code": enterprise.credit_code},
            data={"enterprise": enterprise.pk, "previous_enterprise": previous, "attachments": 0},
        )
    return o


def operator_may_dispatch() -> bool:
    return bool(settings.CIVICDESK_OPERATOR_MAY_DISPATCH)
