"""The caller chases an order (催办), and other citizens say it affects them too (+1 / 附议).

催办 is a move of the workflow table: it changes nothing of where the order stands, but it
is counted on the order (urge_count), tells the handling unit and the owner (the outbox's
rules, civicdesk.notifications.queue), shows on the timeline, and every
CIVICDESK_URGE_SUPERVISION_AT urges raise the order's supervision level by one: a matter
the caller had to chase three times is supervised without anyone having to notice.

A +1 is not a move: it changes neither the order's state nor its version (a staff member's
open form stays valid while citizens add theirs); it is one OrderSupport row per phone and
the count on the order, both written in one transaction.
"""

from __future__ import annotations

import hashlib
import hmac
import re

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from civicdesk.orders import clock
from civicdesk.orders.actions.base import DATABASE, OrderRef, Store, check_move, optional_text, record
from civicdesk.orders.actions.supervision import MAX_LEVEL
from civicdesk.orders.errors import InvalidInput, InvalidTransition
from civicdesk.orders.models import OrderSupport, WorkOrder
from civicdesk.orders.workflow import OPEN, Side
from civicdesk.org.models import User


class Via:
    """How a 催办 reached the center (the event's data["via"])."""

    PHONE = "phone"  # the caller rang again; an operator recorded it
    PORTAL = "portal"  # the caller, verified like tracking, pressed 催办 on the portal
    API = "api"  # a connected system (an app, the provincial platform) passed it on


VIA_CHOICES = (Via.PHONE, Via.PORTAL, Via.API)
NOTE_MAX = 500


def supervision_for(urges: int) -> int:
    """The supervision level `urges` urges call for: one level per CIVICDESK_URGE_SUPERVISION_AT."""
    return min(MAX_LEVEL, urges // int(settings.CIVICDESK_URGE_SUPERVISION_AT))


def urge(
    order: OrderRef,
    *,
    actor: User | None,
    via: str = Via.PHONE,
    note: str = "",
    platform_key: str = "",
    expected_version: int | None = None,
    store: Store = DATABASE,
) -> WorkOrder:
    """Record one 催办 on an open order. `actor` is the operator (phone), the API's caller, or
    None for the portal (the citizen, verified by the portal) or the upstream platform the order
    came from (via API, with its message's `platform_key`). Raises the order's level of
    supervision when the count reaches the configured step."""
    if via not in VIA_CHOICES:
        raise InvalidInput(_("没有这种催办渠道。"), fields={"via": _("没有这种催办渠道。")})
    text = optional_text(note, "note", max_length=NOTE_MAX)
    with store.locked(order, expected_version) as o:
        side, unit = check_move(o, "urge", actor, store=store)
        o.urge_count += 1
        data: dict[str, object] = {"via": via, "count": o.urge_count}
        if platform_key and side is Side.SYSTEM:
            data["platform_key"] = platform_key
        if o.lead_unit_id is not None:
            # The unit being chased, kept with the event: 催办率 counts it per unit even after
            # the order moved on to another unit.
            data["unit"] = o.lead_unit_id
        level = supervision_for(o.urge_count)
        if level > o.supervision_level:
            o.supervision_level = level
            data["supervision_level"] = level
        record(o, "urge", actor, store=store, acting_unit=unit, note=text, data=data)
    return o


_DIGITS = re.compile(r"\D")


def phone_digits(phone: str) -> str:
    return _DIGITS.sub("", phone or "")


def phone_hash(phone: str) -> str:
    """A keyed hash of the phone's digits: enough to know the same phone again, nothing more."""
    return hmac.new(
        settings.SECRET_KEY.encode(), b"support:" + phone_digits(phone).encode(), hashlib.sha256
    ).hexdigest()


def add_support(order: OrderRef, *, phone: str) -> tuple[WorkOrder, bool]:
    """Count a citizen's +1 on an open order, once per phone. Returns the order (with its new
    count) and whether this phone's +1 is new. The portal has verified the phone."""
    digits = phone_digits(phone)
    if len(digits) < 7:
        message = _("请填写正确的手机号。")
        raise InvalidInput(message, fields={"phone": message})
    order_id = order.pk if isinstance(order, WorkOrder) else order
    with transaction.atomic():
        found = WorkOrder.objects.select_for_update(of=("self",)).filter(pk=order_id).first()
        if found is None:
            raise InvalidInput(_("工单不存在。"))
        if found.state not in OPEN:
            raise InvalidTransition(_("这件诉求已办结，不能再附议。"))
        try:
            with transaction.atomic():
                OrderSupport.objects.create(order=found, phone_hash=phone_hash(digits), created_at=clock.now())
        except IntegrityError:
            return found, False
        WorkOrder.objects.filter(pk=found.pk).update(support_count=F("support_count") + 1)
        found.refresh_from_db(fields=["support_count"])
    return found, True
