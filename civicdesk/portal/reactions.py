"""The portal's reaction to a recorded move (subscribed in PortalConfig.ready)."""

from __future__ import annotations

from django.conf import settings

from civicdesk.notifications.models import OutboxMessage
from civicdesk.orders.models import WorkOrder
from civicdesk.orders.store import RecordedEvent, Store
from civicdesk.portal.models import RatingLink


def issue_rating_link(order: WorkOrder, event: RecordedEvent, store: Store) -> None:
    """When the citizen's accept_reply SMS went into the outbox, the rating link it carries
    gets its row, in the same transaction (nothing without a public URL: the SMS has no link)."""
    if event.action != "accept_reply" or not settings.CIVICDESK_PUBLIC_URL:
        return
    if any(m.template == "citizen_accept_reply" for m in store.rows_added(OutboxMessage, event)):
        store.add_rows([RatingLink.for_event(order, event)])
