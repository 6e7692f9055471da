"""The hub's review of the reply, the callback to the citizen, closing, and merging."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from civicdesk.orders import clock, deadlines, quality
from civicdesk.orders.actions.base import (
    DATABASE,
    OrderRef,
    Store,
    check_move,
    is_choice,
    optional_text,
    record,
    require_text,
)
from civicdesk.orders.actions.dispatching import own_lead_days
from civicdesk.orders.errors import InvalidInput, PermissionDenied
from civicdesk.orders.models import ReplyResult, Satisfaction, WorkOrder
from civicdesk.orders.workflow import MOVES, Side, State
from civicdesk.org.models import User

CALLBACK_VIA = ("phone", "online", "sms")
# Said only when the reason is missing: translated then, not for every order an import closes.
_NO_REASON_FOR_NO_CALLBACK = gettext_lazy("请填写免回访原因。")


def accept_reply(
    order: OrderRef,
    *,
    actor: User,
    note: str = "",
    override_reason: str = "",
    expected_version: int | None = None,
    store: Store = DATABASE,
) -> WorkOrder:
    """The hub accepts the unit's reply; the callback clock starts (审核通过).

    A reply the checks flagged as unacceptable (rude or evasive words, a claim its own text
    contradicts: orders.quality) is accepted only with the reviewer's reason, kept in the event."""
    note = optional_text(note, "note")
    override = optional_text(override_reason, "override_reason", max_length=500)
    with store.locked(order, expected_version) as o:
        _side, unit = check_move(o, "accept_reply", actor, store=store)
        last = store.last_event(o, ("reply",))
        checked = quality.reply_quality(last[1] if last else None)
        data: dict[str, Any] = {}
        if checked is not None and checked.get("flagged"):
            data["quality_flagged"] = True
            data["quality_failed"] = list(checked.get("failed", []))
            if checked.get("blocking") and not override:
                reasons = "；".join(
                    quality.finding_text(f) for f in checked.get("findings", []) if f.get("severity") == "block"
                )
                message = _("答复未通过质量检查（%(reasons)s）。如仍要通过，请填写理由。") % {"reasons": reasons}
                raise InvalidInput(message, fields={"override_reason": message})
            if override:
                data["override_reason"] = override
        now = clock.now()
        o.accepted_at = now
        o.resume_state = ""
        deadlines.start_callback_clock(o, now)
        data["callback_due_at"] = o.callback_due_at.isoformat() if o.callback_due_at else None
        record(
            o,
            "accept_reply",
            actor,
            store=store,
            to_state=State.AWAITING_CALLBACK,
            acting_unit=unit,
            note=note,
            data=data,
        )
    return o


def send_back_reply(
    order: OrderRef, *, actor: User, reason: str, expected_version: int | None = None, store: Store = DATABASE
) -> WorkOrder:
    """The hub finds the reply wanting and sends it back to the unit (审核退回)."""
    text = require_text(reason, "reason", _("请填写退回理由。"))
    with store.locked(order, expected_version) as o:
        _side, unit = check_move(o, "send_back_reply", actor, store=store)
        target = o.resume_state or State.SIGNED
        o.resume_state = ""
        o.replied_at = None
        last = store.last_event(o, ("reply",))
        checked = quality.reply_quality(last[1] if last else None)
        # Whether the checks had flagged what the hub sent back: how far the two agree is a measure.
        data = {"quality_flagged": bool(checked and checked.get("flagged"))}
        record(o, "send_back_reply", actor, store=store, to_state=target, acting_unit=unit, note=text, data=data)
    return o


def record_callback(
    order: OrderRef,
    *,
    actor: User | None,
    solved: str,
    satisfaction: str,
    comment: str = "",
    rework: bool = False,
    via: str = "phone",
    platform_key: str = "",
    expected_version: int | None = None,
    store: Store = DATABASE,
) -> WorkOrder:
    """Record what the citizen said (回访). An unsatisfied citizen whose matter the unit
    did not handle properly sends the order back for rework (重办); otherwise it closes.
    `platform_key`: the upstream platform called the citizen back and told us (its message's
    idempotency key, kept on the event; civicdesk.upstream)."""
    if not is_choice(solved, ReplyResult):
        message = _("请选择解决情况。")
        raise InvalidInput(message, fields={"solved": message})
    if not is_choice(satisfaction, Satisfaction):
        message = _("请选择满意度。")
        raise InvalidInput(message, fields={"satisfaction": message})
    if via not in CALLBACK_VIA:
        raise InvalidInput(_("回访方式无效。"), fields={"via": _("回访方式无效。")})
    comment = optional_text(comment, "comment")
    if rework and satisfaction not in (Satisfaction.UNSATISFIED,) and solved == ReplyResult.SOLVED:
        message = _("只有群众不满意或问题未解决时才能重办。")
        raise InvalidInput(message, fields={"rework": message})
    with store.locked(order, expected_version) as o:
        _side, unit = check_move(o, "record_callback", actor, store=store)
        now = clock.now()
        o.callback_solved = solved
        o.callback_satisfaction = satisfaction
        data: dict[str, object] = {"solved": solved, "satisfaction": satisfaction, "via": via, "rework": rework}
        if platform_key and actor is None:
            data["platform_key"] = platform_key
        if rework:
            o.rework_count += 1
            o.replied_at = None
            o.accepted_at = None
            o.callback_due_at = None
            deadlines.restart_handling(o, now, own_lead_days(store, o))
            data["handle_due_at"] = o.handle_due_at.isoformat() if o.handle_due_at else None
            target = State.REWORK
        else:
            o.closed_at = now
            target = State.CLOSED
        record(o, "record_callback", actor, store=store, to_state=target, acting_unit=unit, note=comment, data=data)
    return o


def close_without_callback(
    order: OrderRef,
    *,
    actor: User | None,
    reason: str,
    platform_key: str = "",
    expected_version: int | None = None,
    store: Store = DATABASE,
) -> WorkOrder:
    """Close when no callback can be made (unreachable after tries, declined, anonymous);
    the reason stays on the order. Without a person (actor None) only on the word of the
    upstream platform that calls back for this order (its message's `platform_key`)."""
    text = require_text(reason, "reason", _NO_REASON_FOR_NO_CALLBACK, max_length=255)
    with store.locked(order, expected_version) as o:
        side, unit = check_move(o, "close_without_callback", actor, store=store)
        if side is Side.SYSTEM and not platform_key:
            raise PermissionDenied(
                _("您无权对工单 %(number)s 执行“%(action)s”。")
                % {"number": o.number, "action": MOVES["close_without_callback"].label}
            )
        o.no_callback_reason = text
        o.closed_at = clock.now()
        data = {"platform_key": platform_key} if side is Side.SYSTEM else None
        record(
            o,
            "close_without_callback",
            actor,
            store=store,
            to_state=State.CLOSED,
            acting_unit=unit,
            note=text,
            data=data,
        )
    return o


def merge(
    order: OrderRef,
    *,
    actor: User,
    into: WorkOrder | int,
    note: str = "",
    expected_version: int | None = None,
    store: Store = DATABASE,
) -> WorkOrder:
    """Merge a repeated request into the order that handles the matter (并单)."""
    note = optional_text(note, "note")
    child_id = order.pk if isinstance(order, WorkOrder) else order
    parent_id = into.pk if isinstance(into, WorkOrder) else into
    if child_id == parent_id:
        message = _("不能把工单并入它自己。")
        raise InvalidInput(message, fields={"into": message})
    with store.locked_pair(order, into, expected_version) as (o, parent):
        _side, unit = check_move(o, "merge", actor, store=store)
        if parent.state in (State.MERGED, State.VOID, State.TRANSFERRED) or parent.parent_id is not None:
            message = _("工单 %(number)s 不能作为并单主单（状态：%(state)s）。") % {
                "number": parent.number,
                "state": parent.get_state_display(),
            }
            raise InvalidInput(message, fields={"into": message})
        if parent.hub_id != o.hub_id:
            message = _("只能并入同一中心的工单。")
            raise InvalidInput(message, fields={"into": message})
        # Keep merges one level deep: the children follow onto the new parent.
        store.adopt_children(o, parent)
        now = clock.now()
        store.end_assignments(o, now, "merged")
        o.parent = parent
        o.closed_at = now
        record(
            o,
            "merge",
            actor,
            store=store,
            to_state=State.MERGED,
            acting_unit=unit,
            note=note,
            data={"parent": parent.pk, "parent_number": parent.number},
        )
    return o
