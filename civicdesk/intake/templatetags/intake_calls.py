"""The call an order was taken on, for the order page; numbers to call back, for the lists."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse

from civicdesk.intake.dial import cti_dial_url
from civicdesk.intake.models import Call
from civicdesk.intake.recordings import can_play
from civicdesk.orders.models import WorkOrder

register = template.Library()


@register.inclusion_tag("intake/_order_calls.html", takes_context=True)
def order_calls(context: dict[str, Any], order: WorkOrder) -> dict[str, Any]:
    """The calls the order was taken on, each with its recording for a reader who may hear it."""
    if not getattr(order, "has_calls", True):
        return {"rows": []}  # the order page read with the order that it has none (IntakeConfig.ready)
    request = context.get("request")
    user = getattr(request, "user", None)
    rows = []
    for call in Call.objects.filter(order=order).select_related("agent", "hub").order_by("started_at"):
        playable = user is not None and user.is_authenticated and can_play(user, call)
        rows.append({"call": call, "play": reverse("intake:play_recording", args=[call.pk]) if playable else ""})
    return {"rows": rows}


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
