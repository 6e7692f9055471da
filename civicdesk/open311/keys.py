"""API keys: made once, shown once, kept only as a hash."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

from django.db import transaction
from django.utils.text import slugify

from civicdesk.open311.models import ApiClient
from civicdesk.org.models import Membership, OrgUnit, Role, User

_KEY = re.compile(r"^([0-9a-f]{8})\.([A-Za-z0-9_-]{20,})$")


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def create_client(name: str, hub: OrgUnit, *, rate_per_minute: int = 30) -> tuple[ApiClient, str]:
    """A new client with its service account (an operator of `hub`, so that it may take
    requests in), and the key to hand over. The key cannot be recovered later."""
    name = name.strip()
    if not name:
        raise ValueError("the client needs a name")
    if not hub.is_hub:
        raise ValueError(f"{hub.code} is not a hub")
    with transaction.atomic():
        prefix = secrets.token_hex(4)
        while ApiClient.objects.filter(key_prefix=prefix).exists():
            prefix = secrets.token_hex(4)
        key = f"{prefix}.{secrets.token_urlsafe(32)}"
        username = f"open311-{slugify(name)[:40] or prefix}-{prefix}"
        user = User(username=username, display_name=f"Open311：{name}"[:50], is_service=True)
        # A service account: nobody signs in with it.
        user.set_unusable_password()
        user.save()
        Membership.objects.create(user=user, unit=hub, role=Role.OPERATOR)
        client = ApiClient.objects.create(
            name=name,
            key_prefix=prefix,
            key_hash=_hash(key),
            user=user,
            hub=hub,
            rate_per_minute=rate_per_minute,
        )
    return client, key


def authenticate(key: str | None) -> ApiClient | None:
    """The active client this key belongs to, or None."""
    match = _KEY.match((key or "").strip())
    if match is None:
        return None
    client = ApiClient.objects.select_related("user", "hub").filter(key_prefix=match.group(1)).first()
    if client is None or not client.active or not client.user.is_active:
        return None
    if not hmac.compare_digest(client.key_hash, _hash(match.group(0))):
        return None
    return client


def revoke(client: ApiClient) -> None:
    with transaction.atomic():
        client.active = False
        client.save(update_fields=["active"])
        client.user.is_active = False
        client.user.save(update_fields=["is_active"])
