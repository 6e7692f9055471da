"""The reference adapter: a generic JSON-over-HTTP platform, configured without code
(civicdesk.upstream.models.UpstreamPlatform: URL, authentication header, idempotency header,
status codes, field names, success field). One outbox message → one POST.

The same adapter carries what goes down to a remote hub's CivicDesk (civicdesk.upstream.remote:
the orders handed down to it, our answers to its extension requests): there we are its
upstream platform, calling the door it keeps for us."""

from __future__ import annotations

import json
import urllib.request
from dataclasses import dataclass, field
from typing import Any

from civicdesk.notifications.backends import Outcome, call_http
from civicdesk.notifications.models import OutboxMessage
from civicdesk.upstream.models import HUB_ADDRESS, RemoteHub, UpstreamPlatform


@dataclass(frozen=True)
class Endpoint:
    """Where one kind of message goes and how it is signed."""

    url: str
    auth_header: str = "Authorization"
    auth_value: str = ""
    idempotency_header: str = "Idempotency-Key"
    field_names: dict[str, str] = field(default_factory=dict)
    timeout: float = 10.0
    ok_field: str = ""


def renamed(body: dict[str, Any], names: dict[str, str]) -> dict[str, Any]:
    """The report with the platform's own field names (those it names; the rest as they are)."""
    return {str(names.get(key, key)): value for key, value in body.items()}


def post(endpoint: Endpoint, body: dict[str, Any]) -> urllib.request.Request:
    url = endpoint.url
    if not url.startswith(("http://", "https://")):
        raise ValueError(f"URL must be http(s); got {url[:40]!r}")
    headers = {"Content-Type": "application/json; charset=utf-8"}
    if endpoint.auth_value:
        headers[endpoint.auth_header] = endpoint.auth_value
    if endpoint.idempotency_header:
        headers[endpoint.idempotency_header] = str(body["idempotency_key"])
    data = json.dumps(renamed(body, endpoint.field_names), ensure_ascii=False).encode("utf-8")
    # The scheme was checked just above, so no file: URL can get through.
    return urllib.request.Request(url, data=data, headers=headers, method="POST")  # noqa: S310


def request_for(platform: UpstreamPlatform, body: dict[str, Any]) -> urllib.request.Request:
    return post(
        Endpoint(
            url=platform.report_url,
            auth_header=platform.auth_header,
            auth_value=platform.auth_value,
            idempotency_header=platform.idempotency_header,
            field_names=platform.field_names or {},
        ),
        body,
    )


def _to_remote_hub(message: OutboxMessage) -> Outcome:
    code = message.address[len(HUB_ADDRESS) :]
    remote = RemoteHub.objects.select_related("unit").filter(unit__code=code).first()
    if remote is None or not remote.active:
        return Outcome(False, error=f"remote hub {code!r} is missing or disabled")
    envelope = json.loads(message.text)
    endpoint = Endpoint(
        url=remote.url(str(envelope["door"])),
        auth_header="X-Upstream-Token",
        auth_value=remote.api_key,
        timeout=float(remote.timeout_seconds),
    )
    return call_http(post(endpoint, envelope["body"]), endpoint.timeout)


def send_report(message: OutboxMessage) -> Outcome:
    """The outbox channel's sender (civicdesk.notifications.channels)."""
    if message.address.startswith(HUB_ADDRESS):
        return _to_remote_hub(message)
    platform = UpstreamPlatform.objects.filter(code=message.address).first()
    if platform is None or not platform.active or not platform.report_url:
        # Not permanent: an administrator may switch the platform back on; until then it waits.
        return Outcome(False, error=f"upstream platform {message.address!r} is missing, disabled or has no report URL")
    body = json.loads(message.text)
    return call_http(request_for(platform, body), float(platform.timeout_seconds), platform.ok_field)
