"""The portal's reaction to a recorded move (subscribed in PortalConfig.ready)."""

from __future__ import annotations

from django.conf import settings

from civicdesk.notifications.models import OutboxMessage
from civicdesk.orders.models import OrderEvent, WorkOrder
from civicdesk.portal.models import RatingLink


def issue_rating_link(order: WorkOrder, event: OrderEvent) -> None:
    """When the citizen's accept_reply SMS went into the outbox, the rating link it carries
    gets its row, in the same transaction (RatingLink.issue: nothing without a public URL)."""
    if event.action != "accept_reply" or not settings.CIVICDESK_PUBLIC_URL:
        return
    if OutboxMessage.objects.filter(event=event, template="citizen_accept_reply").exists():
        RatingLink.issue(order, event)
