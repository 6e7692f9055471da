"""The call an order was taken on, for the order page; numbers to call back, for the lists."""

from __future__ import annotations

from typing import Any

from django import template
from django.template.defaulttags import CsrfTokenNode
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

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


def _trusted(text: str) -> SafeString:
    """The project's own translated text, written as `{% translate %}` writes it (unescaped)."""
    return mark_safe(text)  # noqa: S308 (the catalogue's text, not input)


@register.simple_tag(takes_context=True)
def dial_link(
    context: template.Context, phone: str, order: str = "", call: int | str = "", typed: bool = False
) -> SafeString:
    """A number to call: a tel: link for the desk's softphone, and 拨打 through the center's
    CTI when one is configured (civicdesk.intake.dial). The CTI request names the order or
    call, not the number, so the server reads the number from what the person may see; only
    the number an operator typed at intake (`typed`) is sent as it is.

    Put together here rather than by a template of its own (as orders_tags.deadline_badge):
    the callback queue draws one per row, and fifty renderings of a template were an eighth
    of its CPU. The markup is the one the template `intake/_dial.html` wrote (translations
    unescaped, as `{% translate %}` writes them: they are the project's own text)."""
    if not phone:
        return SafeString("\n")
    tel = "".join(ch for ch in phone if ch.isdigit() or ch == "+")
    title = _trusted(_("用本机软电话拨打"))
    link = format_html('<a class="font-monospace dial-tel" href="tel:{}" title="{}">{}</a>', tel, title, phone)
    form = SafeString("")
    if cti_dial_url() and (order or call or typed):
        if order:
            target = format_html('<input type="hidden" name="order" value="{}">', order)
        elif call:
            target = format_html('<input type="hidden" name="call" value="{}">', call)
        else:
            target = format_html('<input type="hidden" name="phone" value="{}">', tel)
        request = context.get("request")
        form = format_html(
            ' <form method="post" action="{}" class="d-inline dial-cti">{}{}<input type="hidden" name="next"'
            ' value="{}"><button class="btn btn-sm btn-outline-primary py-0" title="{}">{}</button></form>',
            reverse("intake:dial"),
            CsrfTokenNode().render(context),
            target,
            request.get_full_path() if request is not None else "/",
            _trusted(_("请软电话平台拨打此号码")),
            _trusted(_("拨打")),
        )
    return format_html('<span class="dial text-nowrap">{}{}</span>\n', link, form)
