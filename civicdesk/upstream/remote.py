"""Two installations linked by their APIs: we are the upstream platform of a remote hub's
CivicDesk (a county center on its own system).

Down: an order handed down to the remote hub (hand_down to a unit flagged `remote`) becomes
one outbox message to that system's door for upstream platforms, which takes it in with our
order number as its upstream number and our deadline as its upstream deadline; our answer to
an extension it asked past our deadline goes down the same way, and so do our moves on the
order while it is there (void, withdraw, supplement, urge, supervise: FOLLOWED_DOWN), and our
callback when the hub pair leaves the callback to us (CALLBACK_DOWN), which that system
applies as the same moves on its copy. Both are written in the
move's transaction and delivered by the outbox like every report (civicdesk.upstream.adapter):
retried with backoff, the same idempotency key every time, failures on the admin page.

Up: its moves come back through its own upstream report-back, pointed at our door
(views.hub_reports), and are recorded by the core's remote_progress move, once each."""

from __future__ import annotations

import json
from typing import Any

from civicdesk.catalogue.models import Channel
from civicdesk.notifications.models import Medium, OutboxMessage
from civicdesk.notifications.tasks import deliver_on_commit
from civicdesk.orders.models import WorkOrder
from civicdesk.orders.store import RecordedEvent, Store
from civicdesk.upstream.models import RemoteHub

# Our moves on an order the remote hub holds that its copy must follow: the remote system
# applies each as the same move (its door for its upstream platform's moves, views.moves).
FOLLOWED_DOWN = frozenset({"void", "withdraw", "supplement", "urge", "supervise"})
# Our callback, when the hub pair leaves it to us: the remote system closes (or reworks) its copy.
CALLBACK_DOWN = frozenset({"record_callback", "close_without_callback"})
# Our moves that the remote system must hear of.
SENT_DOWN = frozenset({"hand_down", "approve_extension", "refuse_extension", *FOLLOWED_DOWN, *CALLBACK_DOWN})


def _remote(store: Store, order: WorkOrder) -> RemoteHub | None:
    if not order.hub.remote:
        return None
    return store.memo(
        ("remote_hub", order.hub_id),
        lambda: RemoteHub.objects.select_related("unit").filter(unit_id=order.hub_id, active=True).first(),
    )


def remote_upstream_id(store: Store, order: WorkOrder) -> str:
    """The number the remote system knows the order by: ours, and for a second hand-down to
    the same hub (after it sent the order back) ours with the round, so it is a new order there."""
    rounds = sum(1 for _action, data in store.events_of(order, ("hand_down",)) if data.get("to_hub") == order.hub_id)
    return order.number if rounds <= 1 else f"{order.number}-{rounds}"


def order_number_of(upstream_id: str) -> str:
    """Our order number inside the number the remote system reports (remote_upstream_id)."""
    return upstream_id.partition("-")[0]


def _handed_down(order: WorkOrder, event: RecordedEvent, store: Store) -> dict[str, Any]:
    upstream_id = remote_upstream_id(store, order)
    return {
        "idempotency_key": f"down:{order.number}:{event.seq}",
        "upstream_id": upstream_id,
        "title": order.title,
        "content": order.content,
        "address": order.address,
        "citizen_name": order.citizen_name,
        "citizen_phone": order.citizen_phone,
        "confidential": order.confidential,
        "request_type": order.request_type,
        "urgency": order.urgency,
        "channel": Channel.UPSTREAM,
        "note": event.note,
        # Our deadline for the remote hub is its upstream deadline.
        "due_at": order.upper_due_at.isoformat() if order.upper_due_at else None,
        # Who calls the citizen back (the hub pair's setting, org.HubLink): "upper" is us.
        "callback_by": "upper" if order.callback_upper else "lower",
    }


def _answered(order: WorkOrder, event: RecordedEvent, store: Store) -> dict[str, Any]:
    approved = event.action == "approve_extension"
    return {
        "idempotency_key": f"down:{order.number}:{event.seq}",
        "upstream_id": remote_upstream_id(store, order),
        "kind": "extension_approved" if approved else "extension_refused",
        "days": event.data.get("days") if approved else None,
        "note": event.note,
        "due_at": order.upper_due_at.isoformat() if approved and order.upper_due_at else None,
    }


def _followed(order: WorkOrder, event: RecordedEvent, store: Store) -> dict[str, Any]:
    body: dict[str, Any] = {
        "idempotency_key": f"down:{order.number}:{event.seq}",
        "upstream_id": remote_upstream_id(store, order),
        "kind": event.action,
        "note": event.note,
        "at": event.at.isoformat(),
    }
    if event.action in ("urge", "withdraw", "record_callback") and event.data.get("via"):
        body["via"] = event.data["via"]
    if event.action == "record_callback":
        body.update({k: event.data.get(k) for k in ("solved", "satisfaction", "rework")})
    if event.data.get("attachments"):
        # Files stay here; the remote system is told how many there are.
        body["attachments"] = event.data["attachments"]
    return body


def queue_down(order: WorkOrder, event: RecordedEvent, store: Store) -> None:
    """The reaction (civicdesk.orders.reactions): one outbox message to the remote system for
    a hand-down to it, or for our answer to its extension request."""
    remote = _remote(store, order)
    if remote is None:
        return
    if event.action == "hand_down":
        # (Dispatching or re-dispatching to a hub makes this move too.)
        door, body = "orders", _handed_down(order, event, store)
    elif event.action in ("approve_extension", "refuse_extension"):
        door, body = "answers", _answered(order, event, store)
    elif event.action in FOLLOWED_DOWN or (event.action in CALLBACK_DOWN and order.callback_upper):
        door, body = "moves", _followed(order, event, store)
    else:
        return
    rows = [
        OutboxMessage(
            order_id=order.pk,
            event_id=event.pk,
            medium=Medium.UPSTREAM,
            address=remote.address,
            template=f"remote:{door}",
            text=json.dumps({"door": door, "body": body}, ensure_ascii=False),
            created_at=event.at,
        )
    ]
    store.add_rows(rows)
    deliver_on_commit(rows, store.on_commit)
