"""The reply checks (civicdesk.text.replycheck) applied to an order's reply: what the
request was, where, by when, and which phrases the center bans. Run by the reply move, whose
event keeps the result for the reviewer and the statistics."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from civicdesk.catalogue.phrases import reply_phrases
from civicdesk.orders.models import WorkOrder
from civicdesk.orders.store import Store
from civicdesk.text.replycheck import ReplyQuality, check_reply
from civicdesk.worktime.limits import work_calendar


def assess(order: WorkOrder, *, result: str, text: str, at: datetime, store: Store) -> ReplyQuality:
    """The checks of a reply `order`'s lead unit gives at `at`."""
    late_days = None
    if order.handle_due_at is not None and at > order.handle_due_at:
        calendar = work_calendar()
        late_days = calendar.working_minutes_between(order.handle_due_at, at) / calendar.minutes_per_day
    place = " ".join(p for p in (order.address, order.area.name if order.area_id and order.area else "") if p)
    return check_reply(
        request=f"{order.title} {order.content}",
        reply=text,
        result=result,
        place=place,
        # One read of the administrators' list per move; the demo's history asks once.
        phrases=store.memo(("reply_phrases", order._state.db), lambda: reply_phrases(order._state.db)),
        replied_at=at,
        due_at=order.handle_due_at,
        late_days=late_days,
    )


def reply_quality(data: dict[str, Any] | None) -> dict[str, Any] | None:
    """The checks kept with a reply event, or None for replies made before they existed."""
    if not data:
        return None
    quality = data.get("quality")
    return quality if isinstance(quality, dict) else None
