"""Orders between two systems: one handed down to a hub on another installation (a remote
hub) follows that system's reports here; one that came from an upstream platform goes back
to it when it was not ours to take.

How the reports travel (the outbox, the other system's API) is civicdesk.upstream's; the
core only records what they say, one event per reported move."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from civicdesk.orders import clock, deadlines
from civicdesk.orders.actions.base import DATABASE, OrderRef, Store, check_move, optional_text, record, require_text
from civicdesk.orders.actions.dispatching import _pop_level
from civicdesk.orders.errors import InvalidInput
from civicdesk.orders.models import ReplyResult, Satisfaction, WorkOrder
from civicdesk.orders.workflow import State
from civicdesk.org.models import User

REPLY_MAX = 5000
# What the other system may report (civicdesk.upstream.models.KINDS), and its name here.
KIND_LABELS = {
    "accepted": _lazy("受理"),
    "signed": _lazy("承办单位签收"),
    "returned": _lazy("退回上级"),
    "extension_asked": _lazy("申请延期"),
    "replied": _lazy("办理答复"),
    "called_back": _lazy("回访不满意，重办"),
    "closed": _lazy("办结"),
    "withdrawn": _lazy("来电人撤销"),
}


@dataclass(frozen=True)
class Report:
    """One move as the remote system reported it."""

    key: str  # its idempotency key: the same report twice is recorded once
    kind: str
    remote_number: str = ""
    note: str = ""
    unit: str = ""
    result: str = ""
    reply: str = ""
    satisfaction: str = ""
    days: float | None = None
    # An extension past the deadline this hub set: this hub decides (approve/refuse_extension).
    needs_approval: bool = False
    # When the remote system made the move, and when its unit replied (its own clock): the
    # times this order keeps, not the moment the report arrived.
    at: datetime | None = None
    replied_at: datetime | None = None


def _moment(reported: datetime | None) -> datetime:
    """The remote system's time for a move, never later than now (its clock may run ahead)."""
    now = clock.now()
    return reported if reported is not None and reported <= now else now


def _seen(store: Store, order: WorkOrder, key: str) -> bool:
    return any(
        data.get("key") == key for _action, data in store.events_of(order, ("remote_progress", "remote_late_report"))
    )


def remote_progress(
    order: OrderRef,
    *,
    actor: User | None,
    report: Report,
    expected_version: int | None = None,
    store: Store = DATABASE,
) -> WorkOrder:
    """Record a move of the remote hub's system on the order handed down to it (下级系统进展).
    A report already recorded (same key) changes nothing: a retried delivery is harmless."""
    key = require_text(report.key, "idempotency_key", _("缺少幂等键（idempotency_key）。"), max_length=255)
    note = optional_text(report.note, "note")
    reply = optional_text(report.reply, "reply", max_length=REPLY_MAX)
    with store.locked(order, expected_version) as o:
        if _seen(store, o, key):
            return o
        _side, _unit = check_move(o, "remote_progress", actor, store=store)
        if not o.hub.remote:
            raise InvalidInput(_("工单 %(number)s 不在下级系统办理。") % {"number": o.number})
        target = o.state
        data: dict[str, object] = {"key": key, "kind": report.kind, "remote_number": report.remote_number}
        if report.unit:
            data["unit_name"] = report.unit[:100]
        kind = report.kind
        if kind == "signed" and o.state == State.PENDING_DISPATCH:
            o.signed_at = _moment(report.at)
            target = State.SIGNED
        elif kind == "extension_asked":
            data["days"] = report.days
            if report.needs_approval and o.state in (State.SIGNED, State.REWORK, State.PENDING_DISPATCH):
                # Past the deadline this hub set: its dispatchers decide, and the answer goes down.
                o.resume_state = State.REWORK if o.state == State.REWORK else State.SIGNED
                o.awaiting_upper = True
                data["needs_upper"] = o.upper_hub_id
                target = State.EXTENSION_REQUESTED
        elif kind in ("replied", "closed"):
            if reply:
                o.reply_text = reply
                o.reply_result = report.result if report.result in ReplyResult.values else o.reply_result
                # The county's unit replied then (its deadline is judged by it), not when we heard.
                o.replied_at = _moment(report.replied_at or report.at)
            if kind == "replied" and o.callback_upper:
                # The hub pair leaves the callback to this hub: the reply waits for its call,
                # whose result goes down to the remote system (civicdesk.upstream).
                o.accepted_at = _moment(report.at)
                deadlines.start_callback_clock(o, clock.now())
                target = State.AWAITING_CALLBACK
            elif kind == "replied":
                target = State.REPLIED
            else:
                if report.satisfaction in Satisfaction.values:
                    o.callback_satisfaction = report.satisfaction
                o.closed_at = _moment(report.at)
                o.awaiting_upper = False
                target = State.CLOSED
        elif kind == "withdrawn":
            # The citizen took the request back at the remote hub: it is withdrawn here too.
            o.closed_at = _moment(report.at)
            o.awaiting_upper = False
            o.resume_state = ""
            target = State.WITHDRAWN
        elif kind == "called_back":
            # Rework: the reply no longer stands (as for a local unsatisfied callback).
            o.replied_at = None
            target = State.REWORK
        elif kind == "returned":
            if o.upper_hub_id is None:
                raise InvalidInput(_("工单 %(number)s 不是下转的，不能退回。") % {"number": o.number})
            # The remote system already let it go: the order is back in this hub's queue.
            data["returned_from_hub"] = _pop_level(o).pk
            o.return_count += 1
            o.lead_unit = None
            o.resume_state = ""
            target = State.PENDING_DISPATCH
        record(o, "remote_progress", actor, store=store, to_state=target, note=note or reply, data=data)
    return o


def remote_late_report(
    order: OrderRef,
    *,
    actor: User | None,
    report: Report,
    expected_version: int | None = None,
    store: Store = DATABASE,
) -> WorkOrder:
    """A report of the remote hub's system on an order that is no longer with it here (closed,
    voided or withdrawn meanwhile, or taken back): nothing moves, but what it says — the
    county's reply, a note — is kept on the timeline, once (its key). A report with no text
    adds nothing and is only acknowledged."""
    key = require_text(report.key, "idempotency_key", _("缺少幂等键（idempotency_key）。"), max_length=255)
    note = optional_text(report.note, "note")
    reply = optional_text(report.reply, "reply", max_length=REPLY_MAX)
    with store.locked(order, expected_version) as o:
        if _seen(store, o, key):
            return o
        check_move(o, "remote_late_report", actor, store=store)
        if not (reply or note):
            return o
        data: dict[str, object] = {"key": key, "kind": report.kind, "remote_number": report.remote_number}
        if report.unit:
            data["unit_name"] = report.unit[:100]
        if report.result in ReplyResult.values:
            data["result"] = report.result
        if report.at is not None:
            data["remote_at"] = report.at.isoformat()
        record(o, "remote_late_report", actor, store=store, note=reply or note, data=data)
    return o


def return_to_upstream(
    order: OrderRef, *, actor: User, reason: str, expected_version: int | None = None, store: Store = DATABASE
) -> WorkOrder:
    """Hand an order from an upstream platform back to it, with the reason (退回上级平台):
    it leaves this system, and the platform hears of it (civicdesk.upstream)."""
    text = require_text(reason, "reason", _("请填写退回理由。"))
    with store.locked(order, expected_version) as o:
        _side, unit = check_move(o, "return_to_upstream", actor, store=store)
        if not o.upstream_platform or not o.upstream_id:
            raise InvalidInput(_("工单 %(number)s 不是上级平台转来的，不能退回上级平台。") % {"number": o.number})
        o.closed_at = clock.now()
        record(
            o,
            "return_to_upstream",
            actor,
            store=store,
            to_state=State.TRANSFERRED,
            acting_unit=unit,
            note=text,
            data={"platform": o.upstream_platform},
        )
    return o
