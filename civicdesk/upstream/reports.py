"""Every upstream-relevant move of an order that came from an upstream platform becomes one
outbox message (medium "upstream") written in the move's transaction: exactly one per move
(the move's event), delivered in order per order by the outbox (civicdesk.notifications:
claims, retries with backoff, the same idempotency key on every try), never holding the
local move up — a platform that is down only delays its reports."""

from __future__ import annotations

import json
from typing import Any

from civicdesk.notifications.models import Medium, OutboxMessage
from civicdesk.notifications.tasks import deliver_on_commit
from civicdesk.orders.models import WorkOrder
from civicdesk.orders.store import RecordedEvent, Store
from civicdesk.orders.workflow import State
from civicdesk.upstream.models import UpstreamPlatform

# Our move → the kind of report (civicdesk.upstream.models.KINDS). A callback closes the
# order, or (an unsatisfied citizen) sends it back for rework: one move, one report.
_KIND_OF: dict[str, str] = {
    "create": "accepted",
    "sign": "signed",
    "void": "returned",
    "transfer_out": "returned",
    "return_to_upstream": "returned",
    "request_extension": "extension_asked",
    "withdraw": "withdrawn",
    "accept_reply": "replied",
    "answer": "closed",
    "close_without_callback": "closed",
}
REPORTED = frozenset({*_KIND_OF, "record_callback"})


def kind_of(action: str, to_state: str) -> str | None:
    if action == "record_callback":
        return "closed" if to_state == State.CLOSED else "called_back"
    return _KIND_OF.get(action)


def idempotency_key(platform_code: str, order: WorkOrder, event: RecordedEvent) -> str:
    """The same for every try of one report, different for every move: the upstream drops repeats."""
    return f"{platform_code}:{order.number}:{event.seq}"


def payload(platform: UpstreamPlatform, order: WorkOrder, event: RecordedEvent, kind: str) -> dict[str, Any]:
    body: dict[str, Any] = {
        "idempotency_key": idempotency_key(platform.code, order, event),
        "upstream_id": order.upstream_id,
        "order_number": order.number,
        "seq": event.seq,
        "kind": kind,
        "status": platform.code_for(kind),
        "at": event.at.isoformat(),
        "note": event.note,
        "unit": order.lead_unit.name if order.lead_unit_id and order.lead_unit else "",
        "handle_due_at": order.handle_due_at.isoformat() if order.handle_due_at else None,
    }
    if kind in ("replied", "closed"):
        body["result"] = order.reply_result
        body["reply"] = order.reply_text or order.answer_text
        # When the unit replied (the reply is reported once the hub accepts it): the upstream
        # judges the deadline by this, not by when the report reaches it.
        body["replied_at"] = order.replied_at.isoformat() if order.replied_at else None
    if kind in ("closed", "called_back"):
        body["satisfaction"] = order.callback_satisfaction
    if kind == "extension_asked":
        body["days"] = event.data.get("days")
        # Past what the platform's deadline leaves us: we wait for its answer (views.answer).
        body["needs_approval"] = bool(event.data.get("needs_platform"))
    return body


def _platform(store: Store, code: str) -> UpstreamPlatform | None:
    return store.memo(
        ("upstream_platform", code),
        lambda: UpstreamPlatform.objects.filter(code=code, active=True).exclude(report_url="").first(),
    )


def queue_report(order: WorkOrder, event: RecordedEvent, store: Store) -> None:
    """The reaction (civicdesk.orders.reactions): one outbox row for the move, if the order's
    platform wants to hear of its kind."""
    if not order.upstream_platform:
        return
    if event.data.get("platform_key"):
        # The platform's own move, applied here at its word (views.moves): it knows already.
        return
    kind = kind_of(event.action, event.to_state)
    if kind is None:
        return
    platform = _platform(store, order.upstream_platform)
    if platform is None or platform.code_for(kind) is None:
        return
    body = payload(platform, order, event, kind)
    rows = [
        OutboxMessage(
            order_id=order.pk,
            event_id=event.pk,
            medium=Medium.UPSTREAM,
            address=platform.code,
            template=f"upstream:{kind}",
            text=json.dumps(body, ensure_ascii=False),
            created_at=event.at,
        )
    ]
    store.add_rows(rows)
    # Sent as soon as the move commits; the worker's sweep retries whatever did not go.
    deliver_on_commit(rows, store.on_commit)
