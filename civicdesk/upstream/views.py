"""The platform's door (push: it posts its orders here, with its token) and the admins' page
of reports that have not reached their platform."""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from functools import wraps
from typing import Any

from django.contrib import messages
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from civicdesk.notifications.models import DeliveryStatus, Medium, OutboxMessage
from civicdesk.orders import actions
from civicdesk.orders.actions.base import DATABASE
from civicdesk.orders.errors import ActionError, InvalidInput, InvalidTransition
from civicdesk.orders.models import OrderEvent, WorkOrder
from civicdesk.orders.workflow import TERMINAL
from civicdesk.org.web import admin_required, current_user
from civicdesk.upstream.actions import PLATFORM_MOVES, apply_platform_move, requeue_report
from civicdesk.upstream.ingest import ingest, parse_due
from civicdesk.upstream.models import RemoteHub, UpstreamPlatform
from civicdesk.upstream.remote import order_number_of, remote_upstream_id

OPEN = (DeliveryStatus.PENDING, DeliveryStatus.SENDING, DeliveryStatus.FAILED, DeliveryStatus.UNKNOWN)


def _platform(request: HttpRequest, code: str) -> UpstreamPlatform | None:
    platform = UpstreamPlatform.objects.filter(code=code, active=True).select_related("hub").first()
    token = request.headers.get("X-Upstream-Token", "")
    if platform is None or not secrets.compare_digest(token, platform.inbound_token):
        return None
    return platform


def _json(request: HttpRequest) -> dict[str, Any] | JsonResponse:
    try:
        data = json.loads(request.body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return JsonResponse({"error": _("请求体须为 JSON。")}, status=400)
    if not isinstance(data, dict):
        return JsonResponse({"error": _("请求体须为 JSON 对象。")}, status=400)
    return data


PlatformView = Callable[[HttpRequest, UpstreamPlatform, dict[str, Any]], JsonResponse]


def platform_call(view: PlatformView) -> Callable[[HttpRequest, str], JsonResponse]:
    """A platform system's POST: authenticated by its token, its body a JSON object; the view
    gets the platform and the body."""

    @csrf_exempt  # a machine's call, authenticated by its token, not a browser form
    @require_POST
    @wraps(view)
    def call(request: HttpRequest, code: str) -> JsonResponse:
        platform = _platform(request, code)
        if platform is None:
            # One answer for "no such platform" and "wrong token".
            return JsonResponse({"error": _("平台或令牌无效。")}, status=401)
        data = _json(request)
        if isinstance(data, JsonResponse):
            return data
        return view(request, platform, data)

    return call


def _keyed_order(
    request: HttpRequest, platform: UpstreamPlatform, data: dict[str, Any], kinds: Iterable[str], refusal: str
) -> tuple[str, str, WorkOrder] | JsonResponse:
    """The idempotency key, the kind (one of `kinds`) and the platform's order a keyed call names."""
    key, kind = _key(request, data), str(data.get("kind") or "")
    if not key or kind not in kinds:
        return JsonResponse({"error": refusal}, status=400)
    order = WorkOrder.objects.filter(upstream_platform=platform.code, upstream_id=str(data.get("upstream_id"))).first()
    if order is None:
        return JsonResponse({"error": _("没有该上级平台编号的工单。")}, status=404)
    return key, kind, order


def _refused(error: ActionError) -> JsonResponse:
    """A move the order's state no longer allows is a conflict (the outbox shows it to an
    administrator); bad input is the caller's to fix."""
    status = 400 if isinstance(error, InvalidInput) else 409
    return JsonResponse({"error": error.message, "fields": getattr(error, "fields", {})}, status=status)


@platform_call
def push(request: HttpRequest, platform: UpstreamPlatform, data: dict[str, Any]) -> JsonResponse:
    try:
        taken = ingest(platform, data)
    except InvalidInput as error:
        return JsonResponse({"error": error.message, "fields": error.fields}, status=400)
    body = {"number": taken.order.number, "upstream_id": taken.order.upstream_id, "created": taken.created}
    return JsonResponse(body, status=201 if taken.created else 200)


def _key(request: HttpRequest, data: dict[str, Any]) -> str:
    return str(request.headers.get("Idempotency-Key") or data.get("idempotency_key") or "").strip()


@platform_call
def answer(request: HttpRequest, platform: UpstreamPlatform, data: dict[str, Any]) -> JsonResponse:
    """The platform's answer to an extension we asked past its deadline (an approval round:
    the order waits in 延期审核中 until it comes). A repeat of an answer applied is 200."""
    refusal = _("须带幂等键，kind 须为 extension_approved 或 extension_refused。")
    named = _keyed_order(request, platform, data, ("extension_approved", "extension_refused"), refusal)
    if isinstance(named, JsonResponse):
        return named
    key, kind, order = named
    decided = OrderEvent.objects.filter(
        order=order, action__in=("approve_extension", "refuse_extension"), data__platform_key=key
    )
    if decided.exists():
        return JsonResponse({"number": order.number, "code": 0, "replayed": True})
    note = str(data.get("note") or "")
    try:
        # The platform's new deadline, when it names one, becomes the order's upstream deadline.
        due = parse_due(data.get("due_at")) if kind == "extension_approved" else None
        if kind == "extension_approved":
            actions.approve_extension(
                order,
                actor=None,
                days=data.get("days"),
                note=note,
                platform_key=key,
                upstream_due_at=due,
                upstream_margin=timedelta(hours=platform.margin_hours),
            )
        else:
            reason = note or _("上级平台驳回延期。")
            actions.refuse_extension(order, actor=None, reason=reason, platform_key=key)
    except ActionError as error:
        return _refused(error)
    return JsonResponse({"number": order.number, "code": 0})


@platform_call
def moves(request: HttpRequest, platform: UpstreamPlatform, data: dict[str, Any]) -> JsonResponse:
    """The platform's own moves on an order it sent us (it voided it, its citizen withdrew,
    added information, urged; it supervises): each made here as the same move, once per
    idempotency key — a repeat is 200 with "replayed"; one the order's state no longer
    allows is 200 with "applied": false and the reason."""
    refusal = _("须带幂等键，kind 须为 %(kinds)s 之一。") % {"kinds": "、".join(PLATFORM_MOVES)}
    named = _keyed_order(request, platform, data, PLATFORM_MOVES, refusal)
    if isinstance(named, JsonResponse):
        return named
    key, kind, order = named
    try:
        done = apply_platform_move(
            order,
            kind=kind,
            key=key,
            note=str(data.get("note") or ""),
            attachments=_count(data.get("attachments")),
            callback={k: data.get(k) for k in ("solved", "satisfaction", "rework", "via")},
        )
    except InvalidTransition as error:
        # The order moved on here before the message came (closed, say): a race between two
        # systems that no resend can undo, not an error. Taken, with the reason, so it does
        # not stand failed on the platform's side for ever.
        return JsonResponse({"number": order.number, "code": 0, "applied": False, "reason": error.message})
    except ActionError as error:
        return _refused(error)
    return JsonResponse({"number": done.order.number, "code": 0, **({} if done.applied else {"replayed": True})})


def _count(value: Any) -> int:
    try:
        return max(0, int(value or 0))
    except (TypeError, ValueError):
        return 0


def _moment(value: Any) -> datetime | None:
    """A time the other system reports (ISO 8601 with its zone); anything else is no time."""
    parsed = parse_datetime(str(value)) if isinstance(value, str) else None
    return parsed if parsed is not None and parsed.tzinfo is not None else None


def _days(value: Any) -> float | None:
    try:
        return float(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


@csrf_exempt  # a machine's call, authenticated by its token, not a browser form
@require_POST
def hub_reports(request: HttpRequest, code: str) -> JsonResponse:
    """A remote hub's system reports a move on an order we handed down to it (its upstream
    report-back, pointed here). Each report is recorded once (its idempotency key)."""
    remote = RemoteHub.objects.select_related("unit").filter(unit__code=code, active=True).first()
    token = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if remote is None or not secrets.compare_digest(token, remote.report_token):
        return JsonResponse({"error": _("下级系统或令牌无效。")}, status=401)
    data = _json(request)
    if isinstance(data, JsonResponse):
        return data
    number = order_number_of(str(data.get("upstream_id") or ""))
    order = WorkOrder.objects.filter(number=number).first()
    # Only the orders handed down to this hub: a remote system cannot touch any other.
    if (
        order is None
        or not OrderEvent.objects.filter(order=order, action="hand_down", data__to_hub=remote.unit_id).exists()
    ):
        return JsonResponse({"error": _("没有下转给该中心的这张工单。")}, status=404)
    report = actions.Report(
        key=_key(request, data),
        kind=remote.kind(data),
        remote_number=str(data.get("order_number") or "")[:40],
        note=str(data.get("note") or ""),
        unit=str(data.get("unit") or ""),
        result=str(data.get("result") or ""),
        reply=str(data.get("reply") or ""),
        satisfaction=str(data.get("satisfaction") or ""),
        days=_days(data.get("days")),
        needs_approval=data.get("needs_approval") is True,
        at=_moment(data.get("at")),
        replied_at=_moment(data.get("replied_at")),
    )
    # The order left the county meanwhile (we closed, voided or withdrew it, or it was sent
    # back): the report is late, not wrong. Taken (its text kept) and answered 2xx, so it does
    # not stand failed on the county's admin page for ever.
    # (A report on an earlier round — handed down again after a return — is late as well.)
    upstream_id = str(data.get("upstream_id") or "")
    late = (
        order.state in TERMINAL or order.hub_id != remote.unit_id or upstream_id != remote_upstream_id(DATABASE, order)
    )
    try:
        if late:
            actions.remote_late_report(order, actor=None, report=report)
        else:
            actions.remote_progress(order, actor=None, report=report)
    except ActionError as error:
        return _refused(error)
    return JsonResponse({"number": order.number, "code": 0, **({"late": True} if late else {})})


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
    # The remote hubs' systems we are the platform of: what we hand down and answer goes there.
    remotes = [
        {"remote": r, **counts.get(r.address, {"sent": 0, "waiting": 0, "failed": 0})}
        for r in RemoteHub.objects.select_related("unit").order_by("unit__code")
    ]
    # Not yet with the platform: failed first, then those retried, oldest first.
    rows = list(
        upstream.filter(status__in=OPEN)
        .filter(~Q(status=DeliveryStatus.PENDING) | Q(attempt_count__gt=0))
        .select_related("order")
        .order_by("created_at", "pk")[:500]
    )
    rows.sort(key=lambda m: (m.status not in (DeliveryStatus.FAILED, DeliveryStatus.UNKNOWN), m.created_at, m.pk))
    return render(request, "upstream/reports.html", {"platforms": platforms, "remotes": remotes, "rows": rows})


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
