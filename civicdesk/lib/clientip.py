"""The client's address as this deployment can trust it."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """The client's address. Behind a reverse proxy set CIVICDESK_TRUSTED_PROXY_HOPS to the
    number of proxies that append to X-Forwarded-For; without it the header is ignored (it
    is whatever the client wants it to be). Used by the portal's rate limits and the sign-in
    lockout alike."""
    hops = int(settings.CIVICDESK_TRUSTED_PROXY_HOPS)
    if hops > 0:
        forwarded = [p.strip() for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if p.strip()]
        if len(forwarded) >= hops:
            return forwarded[-hops]
    return str(request.META.get("REMOTE_ADDR", ""))
