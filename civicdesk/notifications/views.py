"""The admins' page of messages waiting for a person: sent or not, only the gateway's log can
tell (civicdesk.notifications.delivery has the rule), so each is marked sent or sent again."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from civicdesk.lib.masking import mask_phone
from civicdesk.notifications import actions
from civicdesk.notifications.models import DeliveryStatus, Medium, OutboxMessage
from civicdesk.orders.errors import ActionError
from civicdesk.org.web import admin_required, current_user


@admin_required
def unknown(request: HttpRequest) -> HttpResponse:
    rows = list(
        OutboxMessage.objects.filter(status=DeliveryStatus.UNKNOWN)
        .select_related("order")
        .order_by("created_at", "pk")[:500]
    )
    for row in rows:
        # The outbox id is what the gateway logged (client message id); the number is masked.
        row.shown_address = mask_phone(row.address) if row.medium == Medium.SMS else row.address  # type: ignore[attr-defined]
    total = OutboxMessage.objects.filter(status=DeliveryStatus.UNKNOWN).count()
    return render(request, "notifications/unknown.html", {"rows": rows, "total": total})


@admin_required
@require_POST
def settle(request: HttpRequest, message_id: int, decision: str) -> HttpResponse:
    act = {"sent": actions.mark_sent, "again": actions.send_again}.get(decision)
    if act is None:
        return redirect("notifications:unknown")
    try:
        act(message_id, by=current_user(request))
    except ActionError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("通知 %(id)s 已标记为已发送。") % {"id": message_id}
            if decision == "sent"
            else _("通知 %(id)s 已重新排队发送。") % {"id": message_id},
        )
    return redirect("notifications:unknown")
