"""The chat on the order page, and durations in minutes for the desk's figures."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import template
from django.utils.translation import gettext as _

from civicdesk.catalogue.models import Channel
from civicdesk.chat.models import Author, Chat
from civicdesk.orders.models import WorkOrder
from civicdesk.orders.privacy import text_for

register = template.Library()


@register.filter
def duration_minutes(value: timedelta | None) -> str:
    if value is None:
        return "—"
    seconds = int(value.total_seconds())
    if seconds < 60:
        return _("%(s)s 秒") % {"s": seconds}
    return _("%(m)s 分 %(s)s 秒") % {"m": seconds // 60, "s": seconds % 60}


@register.inclusion_tag("chat/_order_chat.html", takes_context=True)
def order_chat(context: dict[str, Any], order: WorkOrder) -> dict[str, Any]:
    """The messages of the chat the order came from, under the order's personal-data rules:
    a reader who may not know a confidential caller sees the numbers and name masked, as in
    the order's own text (civicdesk.orders.privacy)."""
    if order.channel != Channel.CHAT:
        # A chat only ever becomes an order of the chat channel (chat.actions._create_order):
        # the order page of any other order need not ask.
        return {"chat": None}
    chat = Chat.objects.filter(order=order).select_related("operator").first()
    if chat is None:
        return {"chat": None}
    request = context.get("request")
    user = getattr(request, "user", None)
    who = {Author.CITIZEN: _("市民"), Author.SYSTEM: _("系统")}
    log = [
        {
            "at": message.at,
            "who": who.get(Author(message.author)) or str(message.operator or _("话务员")),
            "text": text_for(user if getattr(user, "is_authenticated", False) else None, order, message.text),
        }
        for message in chat.messages.select_related("operator").order_by("pk")
    ]
    return {"chat": chat, "log": log}
