"""What the order page reads with the order in its own look-up: whether the order has files,
topics, merged orders, units it was dispatched to (and what feature apps add: the calls it was
taken on), so that the page asks for each only when there are some (most orders have no files,
topics or merged orders; one waiting for dispatch has no units)."""

from __future__ import annotations

from django.db.models import Exists, OuterRef

from civicdesk.orders.models import Assignment, Attachment, WorkOrder

PRESENT: dict[str, Exists] = {
    "has_files": Exists(Attachment.objects.filter(order=OuterRef("pk"))),
    "has_topics": Exists(WorkOrder.topics.through.objects.filter(workorder=OuterRef("pk"))),
    "has_merged": Exists(WorkOrder.objects.filter(parent=OuterRef("pk"))),
    "has_assignments": Exists(Assignment.objects.filter(order=OuterRef("pk"))),
}


def read_with_the_order(name: str, exists: Exists) -> None:
    """A feature app's panel of the order page (the calls an order was taken on) asks with the
    order whether it has anything to show, as the page's own parts do: the order carries the
    answer as `name` (absent where another page read the order: then the panel asks). Called
    from the app's AppConfig.ready, so that the core imports no feature app."""
    PRESENT[name] = exists
