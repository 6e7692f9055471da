"""The call an order was taken on, for the order page; numbers to call back, for the lists."""

from __future__ import annotations

from typing import Any

from django import template

from civicdesk.intake.dial import cti_dial_url
from civicdesk.intake.models import Call
from civicdesk.orders.models import WorkOrder

register = template.Library()


@register.inclusion_tag("intake/_order_calls.html")
def order_calls(order: WorkOrder) -> dict[str, Any]:
    return {"calls": list(Call.objects.filter(order=order).select_related("agent").order_by("started_at"))}


@register.inclusion_tag("intake/_dial.html", takes_context=True)
def dial_link(
    context: dict[str, Any], phone: str, order: str = "", call: int | str = "", typed: bool = False
) -> dict[str, Any]:
    """A number to call: a tel: link for the desk's softphone, and 拨打 through the center's
    CTI when one is configured (civicdesk.intake.dial). The CTI request names the order or
    call, not the number, so the server reads the number from what the person may see; only
    the number an operator typed at intake (`typed`) is sent as it is."""
    request = context.get("request")
    return {
        "phone": phone,
        "tel": "".join(ch for ch in phone or "" if ch.isdigit() or ch == "+"),
        "order": order,
        "call": call,
        "typed": typed,
        "cti": bool(cti_dial_url()),
        "next": request.get_full_path() if request is not None else "/",
    }
