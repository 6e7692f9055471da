"""The reference adapter: a generic JSON-over-HTTP platform, configured without code
(civicdesk.upstream.models.UpstreamPlatform: URL, authentication header, idempotency header,
status codes, field names, success field). One outbox message → one POST."""

from __future__ import annotations

import json
import urllib.request
from typing import Any

from civicdesk.notifications.backends import Outcome, call_http
from civicdesk.notifications.models import OutboxMessage
from civicdesk.upstream.models import UpstreamPlatform


def renamed(body: dict[str, Any], names: dict[str, str]) -> dict[str, Any]:
    """The report with the platform's own field names (those it names; the rest as they are)."""
    return {str(names.get(key, key)): value for key, value in body.items()}


def request_for(platform: UpstreamPlatform, body: dict[str, Any]) -> urllib.request.Request:
    url = platform.report_url
    if not url.startswith(("http://", "https://")):
        raise ValueError(f"report URL must be http(s); got {url[:40]!r}")
    headers = {"Content-Type": "application/json; charset=utf-8"}
    if platform.auth_value:
        headers[platform.auth_header] = platform.auth_value
    if platform.idempotency_header:
        headers[platform.idempotency_header] = str(body["idempotency_key"])
    data = json.dumps(renamed(body, platform.field_names or {}), ensure_ascii=False).encode("utf-8")
    # The scheme was checked just above, so no file: URL can get through.
    return urllib.request.Request(url, data=data, headers=headers, method="POST")  # noqa: S310


def send_report(message: OutboxMessage) -> Outcome:
    """The outbox channel's sender (civicdesk.notifications.channels)."""
    platform = UpstreamPlatform.objects.filter(code=message.address).first()
    if platform is None or not platform.active or not platform.report_url:
        # Not permanent: an administrator may switch the platform back on; until then it waits.
        return Outcome(False, error=f"upstream platform {message.address!r} is missing, disabled or has no report URL")
    body = json.loads(message.text)
    return call_http(request_for(platform, body), float(platform.timeout_seconds), platform.ok_field)
