"""The call an order was taken on, for the order page."""

from __future__ import annotations

from typing import Any

from django import template

from civicdesk.intake.models import Call
from civicdesk.orders.models import WorkOrder

register = template.Library()


@register.inclusion_tag("intake/_order_calls.html")
def order_calls(order: WorkOrder) -> dict[str, Any]:
    return {"calls": list(Call.objects.filter(order=order).select_related("agent").order_by("started_at"))}
