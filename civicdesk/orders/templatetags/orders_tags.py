from __future__ import annotations

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from civicdesk.orders.models import WorkOrder

register = template.Library()


@register.simple_tag
def deadline_badge(order: WorkOrder) -> SafeString:
    """On time / near due / overdue, in colour and in words."""
    status = order.deadline_status()
    return render_to_string(
        "orders/_deadline.html", {"status": status.value, "label": status.label, "due": order.handle_due_at}
    )
