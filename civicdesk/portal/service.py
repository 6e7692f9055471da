"""What the portal does, apart from HTTP: take a citizen's request in through the same actions
as the hotline, find an order by its number and the phone's last four digits, add a
supplement, and turn a rating link into the callback."""

from __future__ import annotations

import hmac
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from civicdesk.catalogue.models import Area, Category, Channel, RequestType
from civicdesk.lib import titles
from civicdesk.open311.publish import Note, notes_by_order, public_orders, scrub
from civicdesk.orders import actions
from civicdesk.orders.errors import ActionError
from civicdesk.orders.models import OrderEvent, WorkOrder
from civicdesk.orders.workflow import MOVES, OPEN, State
from civicdesk.org.models import Membership, OrgUnit, Role, User
from civicdesk.portal.links import token_hash
from civicdesk.portal.models import RatingLink

TITLE_LENGTH = 40
ACCOUNT = "portal-web"


class PortalClosed(Exception):
    """No hub is set up to take requests."""


def _staffed() -> Exists:
    # A person who will see a portal order: it waits for dispatch at the hub. Service accounts
    # (Open311 clients, this portal's own) hold roles there too, but nobody reads their queue.
    return Exists(
        Membership.objects.filter(
            unit=OuterRef("pk"), role=Role.DISPATCHER, user__is_active=True, user__is_service=False
        )
    )


def hub_problem() -> str | None:
    """Why portal requests would reach no dispatcher, in words an administrator can act on;
    None when the hub they go to is staffed (checked at start by the portal's system check)."""
    code = str(settings.CIVICDESK_PORTAL_HUB)
    if not code:
        if not OrgUnit.objects.filter(is_hub=True, active=True).exists():
            return _("还没有启用的受理中心（枢纽），网上门户暂不受理。")
        if not OrgUnit.objects.filter(_staffed(), is_hub=True, active=True).exists():
            return _(
                "没有任何受理中心有在岗的派单员，网上门户提交的诉求将无人处理；"
                "请为受理中心添加派单员，或设置 CIVICDESK_PORTAL_HUB。"
            )
        return None
    unit = OrgUnit.objects.filter(code=code).first()
    if unit is None or not unit.is_hub or not unit.active:
        return _("CIVICDESK_PORTAL_HUB=%(code)s 不是启用的受理中心（枢纽）的编码。") % {"code": code}
    if not OrgUnit.objects.filter(_staffed(), pk=unit.pk).exists():
        return _(
            "CIVICDESK_PORTAL_HUB=%(code)s（%(name)s）没有在岗的派单员（服务账号不算），网上门户提交的诉求将无人处理。"
        ) % {"code": code, "name": unit.name}
    return None


def portal_hub() -> OrgUnit:
    """The hub that takes portal requests: CIVICDESK_PORTAL_HUB (a unit code), else the
    highest hub with a dispatcher who is a person (an upstream hotline above the city's own
    center, which only sends cases down, has none; an Open311 client's service account does
    not make a hub staffed). Raises PortalClosed rather than send requests where nobody sees
    them."""
    hubs = OrgUnit.objects.filter(is_hub=True, active=True).order_by("path")
    code = str(settings.CIVICDESK_PORTAL_HUB)
    hub = hubs.filter(code=code).first() if code else hubs.filter(_staffed()).first()
    if hub is None:
        raise PortalClosed
    return hub


def portal_account(hub: OrgUnit) -> User:
    """The service account that takes portal requests in (an operator of the hub, like an
    Open311 client's), made on first use. Nobody signs in with it."""
    user = User.objects.filter(username=ACCOUNT).first()
    if user is None:
        try:
            with transaction.atomic():
                user = User(username=ACCOUNT, display_name=_("市民门户"), is_service=True)
                user.set_unusable_password()
                user.save()
        except IntegrityError:
            user = User.objects.get(username=ACCOUNT)
    if not Membership.objects.filter(user=user, unit=hub, role=Role.OPERATOR).exists():
        Membership.objects.get_or_create(user=user, unit=hub, role=Role.OPERATOR)
        user.forget_memberships()
    return user


def title_from(content: str) -> str:
    return titles.title_from(content, TITLE_LENGTH)


def submit(
    data: dict[str, Any], photos: Iterable[UploadedFile], *, client: str, hub: OrgUnit | None = None
) -> WorkOrder:
    """Create the order (channel web) and hand it to the hub, as Open311 does; raises ActionError."""
    hub = hub or portal_hub()
    account = portal_account(hub)
    category: Category | None = data.get("category")
    area: Area | None = data.get("area")
    with transaction.atomic():
        order = actions.create_order(
            actor=account,
            channel=Channel.WEB,
            request_type=data["request_type"],
            title=title_from(data["content"]),
            content=data["content"],
            address=data.get("address", ""),
            area=area,
            category=category,
            citizen_name=data.get("citizen_name", ""),
            citizen_phone=data["citizen_phone"],
            confidential=bool(data.get("confidential")),
            wants_reply=bool(data.get("wants_reply")),
            hub=hub,
            attachments=list(photos),
            intake_data={"portal": {"category_hint": category.code if category else None, "client": client}},
        )
        order = actions.send_to_hub(order, actor=account, note=_("市民通过网上门户提交"))
    return order


def _digits(phone: str) -> str:
    return re.sub(r"\D", "", phone or "")


def find_for_citizen(number: str, last_four: str) -> WorkOrder | None:
    """The order, if the phone on it ends in these four digits; None for both "no such order"
    and "wrong digits", which the caller must not tell apart."""
    order = WorkOrder.objects.select_related("category", "area", "parent").filter(number=number).first()
    expected = _digits(order.citizen_phone)[-4:] if order is not None else "----"
    # Compared in constant time and also when there is no order, so timing tells nothing either.
    matches = hmac.compare_digest(expected.encode(), last_four.encode())
    if order is None or len(expected) < 4 or not matches:
        return None
    return order


@dataclass(frozen=True)
class Progress:
    order: WorkOrder
    status: str
    notes: list[Note]
    reply: str
    is_open: bool
    category: str
    # Until a unit has replied, the citizen may take the request back here.
    can_withdraw: bool


_STATUS: dict[State, Any] = {
    State.RECEIVED: _lazy("已受理，正在分派"),
    State.PENDING_DISPATCH: _lazy("已受理，正在分派"),
    State.DISPATCHED: _lazy("已派至承办单位"),
    State.RETURN_REQUESTED: _lazy("正在确定承办单位"),
    State.OBJECTION_REVIEW: _lazy("正在确定承办单位"),
    State.CONSULTING: _lazy("正在协调确定承办单位"),
    State.SIGNED: _lazy("承办单位正在办理"),
    State.EXTENSION_REQUESTED: _lazy("承办单位正在办理"),
    State.SUSPENSION_REQUESTED: _lazy("承办单位正在办理"),
    State.SUSPENDED: _lazy("暂停办理，等待相关条件具备"),
    State.REWORK: _lazy("承办单位正在重新办理"),
    State.REPLIED: _lazy("承办单位已答复，受理中心审核中"),
    State.AWAITING_CALLBACK: _lazy("已答复，等待您的评价"),
    State.CLOSED: _lazy("已办结"),
    State.ANSWERED: _lazy("已答复办结"),
    State.MERGED: _lazy("已与同一事项合并办理"),
    State.VOID: _lazy("已办结"),
    State.TRANSFERRED: _lazy("已转交其他途径处理"),
    State.WITHDRAWN: _lazy("已按您的要求撤销"),
}


def status_words(state: str) -> str:
    return str(_STATUS.get(State(state), _("办理中")))


def progress(order: WorkOrder) -> Progress:
    """What the citizen may see: the public notes (as Open311 publishes them), the state in
    plain words, and the reply once the hub accepted it. No staff names."""
    notes = notes_by_order([order.pk]).get(order.pk, [])
    accepted = order.state in (State.AWAITING_CALLBACK, State.CLOSED) and order.accepted_at is not None
    reply = scrub(order.reply_text, order) if accepted and order.reply_text else ""
    if order.state == State.ANSWERED and order.answer_text:
        reply = scrub(order.answer_text, order)
    category = order.category.lineage()[-1].name if order.category is not None else ""
    can_withdraw = order.state in MOVES["withdraw"].sources
    return Progress(order, status_words(order.state), notes, reply, order.state in OPEN, category, can_withdraw)


def add_supplement(order: WorkOrder, text: str, photos: Iterable[UploadedFile]) -> WorkOrder:
    return actions.supplement(order, actor=None, text=text, attachments=list(photos))


def urge(order: WorkOrder, note: str) -> WorkOrder:
    """The citizen's 催办, verified by the tracking check (the portal acts as the system)."""
    return actions.urge(order, actor=None, via="portal", note=note)


@dataclass(frozen=True)
class Nearby:
    """A public open order of the same area, as the portal shows it for a +1."""

    number: str
    title: str
    category: str
    created_at: datetime
    supports: int
    supported: bool


NEARBY_LIMIT = 10


def nearby(order: WorkOrder, supported: Iterable[str] = ()) -> list[Nearby]:
    """Other people's open, public orders in the same area as `order` (its area and the areas
    below it), newest first: what the citizen may say affects them too. Nothing personal: the
    titles are scrubbed as the Open311 feed scrubs them."""
    if order.area_id is None:
        return []
    # The order's area and the areas below it (the tree is at most three levels deep).
    area_id = order.area_id
    areas = Area.objects.filter(Q(pk=area_id) | Q(parent=area_id) | Q(parent__parent=area_id))
    found = (
        public_orders()
        .filter(state__in=sorted(OPEN), area__in=areas)
        .exclude(pk=order.pk)
        .exclude(citizen_phone=order.citizen_phone)
        .exclude(request_type=RequestType.REPORT)  # a report of wrongdoing is no one else's to back
        .select_related("category")
        .order_by("-created_at")[:NEARBY_LIMIT]
    )
    done = set(supported)
    return [
        Nearby(
            o.number,
            scrub(o.title, o),
            o.category.name if o.category else "",
            o.created_at,
            o.support_count,
            o.number in done,
        )
        for o in found
    ]


def support(order: WorkOrder, target_number: str) -> tuple[WorkOrder, bool] | None:
    """The tracked order's caller says `target_number` affects them too; None when that order
    is not one the portal offers them (another area, not public, closed)."""
    offered = {n.number for n in nearby(order)}
    if target_number not in offered:
        return None
    target = WorkOrder.objects.get(number=target_number)
    return actions.add_support(target, phone=order.citizen_phone)


def withdraw(order: WorkOrder, reason: str) -> WorkOrder:
    """The citizen who proved the order is theirs (number and the phone's last four digits)
    takes it back; the system side acts for them."""
    return actions.withdraw(order, actor=None, reason=reason, via="portal")


# ---------------------------------------------------------------- rating links


@dataclass(frozen=True)
class LinkState:
    """What a rating link leads to: "form", or why not ("unknown", "expired", "used",
    "called", "closed")."""

    kind: str
    link: RatingLink | None = None
    callback: OrderEvent | None = None


def link_state(token: str, now: datetime | None = None) -> LinkState:
    now = now or timezone.now()
    link = RatingLink.objects.select_related("order", "event").filter(token_hash=token_hash(token)).first()
    if link is None:
        return LinkState("unknown")
    if link.used_at is not None:
        return LinkState("used", link)
    callback = (
        OrderEvent.objects.filter(order=link.order_id, action="record_callback", seq__gt=link.event.seq)
        .order_by("seq")
        .first()
    )
    if callback is not None:
        return LinkState("called", link, callback)
    if link.order.state != State.AWAITING_CALLBACK:
        return LinkState("closed", link)
    if link.expires_at <= now:
        return LinkState("expired", link)
    return LinkState("form", link)


def rate(token: str, *, solved: str, satisfaction: str, comment: str) -> LinkState:
    """Record the citizen's rating as the callback (via "online") and use the link up, in one
    transaction. Returns the link's state afterwards ("used" on success, else why not)."""
    with transaction.atomic():
        link = RatingLink.objects.select_for_update().filter(token_hash=token_hash(token)).first()
        state = link_state(token)
        if link is None or state.kind != "form":
            return state
        # Not solved or not satisfied: the unit handles it again (重办), as the callback agent would send it.
        rework = solved == "unsolved" or satisfaction == "unsatisfied"
        try:
            actions.record_callback(
                link.order_id,
                actor=None,
                solved=solved,
                satisfaction=satisfaction,
                comment=comment,
                rework=rework,
                via="online",
            )
        except ActionError:
            # A callback agent got there a moment earlier: tell the citizen what happened.
            return link_state(token)
        link.used_at = timezone.now()
        link.save(update_fields=["used_at"])
    return link_state(token)
