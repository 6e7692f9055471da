"""The platform's door (push: it posts its orders here, with its token) and the admins' page
of reports that have not reached their platform."""

from __future__ import annotations

import json
import secrets

from django.contrib import messages
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from civicdesk.notifications.models import DeliveryStatus, Medium, OutboxMessage
from civicdesk.orders.errors import ActionError, InvalidInput
from civicdesk.org.web import admin_required, current_user
from civicdesk.upstream.actions import requeue_report
from civicdesk.upstream.ingest import ingest
from civicdesk.upstream.models import UpstreamPlatform

OPEN = (DeliveryStatus.PENDING, DeliveryStatus.SENDING, DeliveryStatus.FAILED, DeliveryStatus.UNKNOWN)


@csrf_exempt  # a machine's call, authenticated by its token, not a browser form
@require_POST
def push(request: HttpRequest, code: str) -> JsonResponse:
    platform = UpstreamPlatform.objects.filter(code=code, active=True).select_related("hub").first()
    token = request.headers.get("X-Upstream-Token", "")
    if platform is None or not secrets.compare_digest(token, platform.inbound_token):
        # One answer for "no such platform" and "wrong token".
        return JsonResponse({"error": _("平台或令牌无效。")}, status=401)
    try:
        data = json.loads(request.body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return JsonResponse({"error": _("请求体须为 JSON。")}, status=400)
    if not isinstance(data, dict):
        return JsonResponse({"error": _("请求体须为 JSON 对象。")}, status=400)
    try:
        taken = ingest(platform, data)
    except InvalidInput as error:
        return JsonResponse({"error": error.message, "fields": error.fields}, status=400)
    body = {"number": taken.order.number, "upstream_id": taken.order.upstream_id, "created": taken.created}
    return JsonResponse(body, status=201 if taken.created else 200)


@admin_required
def reports(request: HttpRequest) -> HttpResponse:
    upstream = OutboxMessage.objects.filter(medium=Medium.UPSTREAM)
    counts = {
        row["address"]: row
        for row in upstream.values("address").annotate(
            sent=Count("pk", filter=Q(status=DeliveryStatus.SENT)),
            waiting=Count("pk", filter=Q(status__in=[DeliveryStatus.PENDING, DeliveryStatus.SENDING])),
            failed=Count("pk", filter=Q(status__in=[DeliveryStatus.FAILED, DeliveryStatus.UNKNOWN])),
        )
    }
    platforms = [
        {"platform": p, **counts.get(p.code, {"sent": 0, "waiting": 0, "failed": 0})}
        for p in UpstreamPlatform.objects.order_by("code")
    ]
    # Not yet with the platform: failed first, then those retried, oldest first.
    rows = list(
        upstream.filter(status__in=OPEN)
        .filter(~Q(status=DeliveryStatus.PENDING) | Q(attempt_count__gt=0))
        .select_related("order")
        .order_by("created_at", "pk")[:500]
    )
    rows.sort(key=lambda m: (m.status not in (DeliveryStatus.FAILED, DeliveryStatus.UNKNOWN), m.created_at, m.pk))
    return render(request, "upstream/reports.html", {"platforms": platforms, "rows": rows})


@admin_required
@require_POST
def requeue(request: HttpRequest, message_id: int) -> HttpResponse:
    try:
        requeue_report(message_id, by=current_user(request))
    except ActionError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("回报 %(id)s 已重新排队发送。") % {"id": message_id})
    return redirect("upstream:reports")
