"""How an upstream platform's orders arrive: it calls our API (push), or we fetch its list
(pull). Either way each order is taken in once (the upstream number is unique per platform),
keeps its upstream number and deadline, and our units' deadlines end the platform's margin
before the upstream one."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from civicdesk.catalogue.models import Channel, RequestType, Urgency
from civicdesk.orders import actions
from civicdesk.orders.errors import InvalidInput
from civicdesk.orders.models import WorkOrder
from civicdesk.upstream.models import UpstreamPlatform


@dataclass(frozen=True)
class Taken:
    order: WorkOrder
    created: bool


def parse_due(value: Any) -> datetime | None:
    if value in (None, ""):
        return None
    parsed = parse_datetime(str(value))
    if parsed is None or parsed.tzinfo is None:
        message = _("上级平台时限须为带时区的时间，如 2026-03-10T17:00:00+08:00。")
        raise InvalidInput(message, fields={"due_at": message})
    return parsed


def ingest(platform: UpstreamPlatform, data: dict[str, Any]) -> Taken:
    """Take one upstream order in (or find the one already taken in)."""
    upstream_id = str(data.get("upstream_id") or "").strip()
    if not upstream_id:
        message = _("缺少上级平台工单编号（upstream_id）。")
        raise InvalidInput(message, fields={"upstream_id": message})
    existing = WorkOrder.objects.filter(upstream_platform=platform.code, upstream_id=upstream_id).first()
    if existing is not None:
        return Taken(existing, False)
    request_type = str(data.get("request_type") or RequestType.COMPLAINT)
    try:
        order = actions.create_order(
            actor=platform.service_user(),
            hub=platform.hub,
            channel=str(data.get("channel") or Channel.PROVINCIAL),
            request_type=request_type,
            title=str(data.get("title") or ""),
            content=str(data.get("content") or ""),
            address=str(data.get("address") or ""),
            citizen_name=str(data.get("citizen_name") or ""),
            citizen_phone=str(data.get("citizen_phone") or ""),
            # Strictly true: a platform that says "no" or 0 does not hide the caller by mistake.
            confidential=data.get("confidential") is True,
            urgency=str(data.get("urgency") or Urgency.NORMAL),
            upstream_platform=platform.code,
            upstream_id=upstream_id,
            upstream_due_at=parse_due(data.get("due_at")),
            upstream_margin=timedelta(hours=platform.margin_hours),
            # The CivicDesk above calls the citizen back itself (its hub pair says so).
            upstream_calls_back=data.get("callback_by") == "upper",
            intake_data={"upstream": platform.code},
        )
    except InvalidInput as error:
        # Two deliveries of the same order at once: the second finds the first's.
        again = WorkOrder.objects.filter(upstream_platform=platform.code, upstream_id=upstream_id).first()
        if again is not None:
            return Taken(again, False)
        raise error
    # Taken in by the platform's service account: straight to the hub's dispatch queue.
    order = actions.send_to_hub(order, actor=platform.service_user())
    return Taken(order, True)


@dataclass
class Pulled:
    taken: int = 0
    known: int = 0
    refused: int = 0
    error: str = ""


def pull(platform: UpstreamPlatform) -> Pulled:
    """Fetch the platform's list of new orders (a JSON list, or {"orders": [...]}) and take
    each in. A refused order is counted, not fatal: the others still arrive."""
    result = Pulled()
    url = platform.pull_url
    if not url.startswith(("http://", "https://")):
        result.error = f"pull URL must be http(s); got {url[:40]!r}"
        return result
    headers = {"Accept": "application/json"}
    if platform.auth_value:
        headers[platform.auth_header] = platform.auth_value
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 (scheme checked above)
    try:
        with urllib.request.urlopen(request, timeout=float(platform.timeout_seconds)) as resp:  # noqa: S310
            body = json.loads(resp.read(4 * 1024 * 1024).decode("utf-8"))
    except (urllib.error.URLError, TimeoutError, OSError, ValueError) as exc:
        result.error = f"{type(exc).__name__}: {exc}"
        return result
    items = body.get("orders", []) if isinstance(body, dict) else body
    for item in items if isinstance(items, list) else []:
        try:
            taken = ingest(platform, item if isinstance(item, dict) else {})
        except InvalidInput:
            result.refused += 1
            continue
        if taken.created:
            result.taken += 1
        else:
            result.known += 1
    return result
