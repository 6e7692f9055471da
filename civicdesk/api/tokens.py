"""API tokens: made once, shown once, kept only as a SHA-256 hash."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from datetime import timedelta

from django.utils import timezone

from civicdesk.api.models import ApiToken
from civicdesk.org.models import User

_TOKEN = re.compile(r"^cd_([0-9a-f]{12})\.([A-Za-z0-9_-]{30,})$")
# Writing last_used on every call would turn every read into a write; once a minute is enough.
_TOUCH_EVERY = timedelta(minutes=1)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(user: User, name: str) -> tuple[ApiToken, str]:
    """A new token for `user`; the token itself is returned only here."""
    name = name.strip()
    if not name:
        raise ValueError("the token needs a name")
    if ApiToken.objects.filter(user=user, name=name).exists():
        raise ValueError(f"{user.username} already has a token named {name!r}")
    prefix = secrets.token_hex(6)
    while ApiToken.objects.filter(prefix=prefix).exists():
        prefix = secrets.token_hex(6)
    token = f"cd_{prefix}.{secrets.token_urlsafe(32)}"
    record = ApiToken.objects.create(name=name, user=user, prefix=prefix, token_hash=token_hash(token))
    return record, token


def authenticate(token: str | None) -> ApiToken | None:
    """The live token this string is, or None (unknown, revoked, or its user disabled)."""
    match = _TOKEN.match((token or "").strip())
    if match is None:
        return None
    record = ApiToken.objects.select_related("user").filter(prefix=match.group(1)).first()
    if record is None or record.revoked or not record.user.is_active:
        return None
    if not hmac.compare_digest(record.token_hash, token_hash(match.group(0))):
        return None
    now = timezone.now()
    if record.last_used is None or now - record.last_used > _TOUCH_EVERY:
        ApiToken.objects.filter(pk=record.pk).update(last_used=now)
        record.last_used = now
    return record


def revoke(record: ApiToken) -> None:
    record.revoked = True
    record.revoked_at = timezone.now()
    record.save(update_fields=["revoked", "revoked_at"])
