"""The rating link's token and URL. Pure: no models, so the outbox rules
(civicdesk.notifications.queue.plan) can put the link into the SMS in both the live path and
the demo's bulk generator, and get the same text.

The token is an HMAC under SECRET_KEY of the order number and the seq of the event that
accepted the reply: unguessable without the key, the same whenever it is computed, and new
for each acceptance (a reworked order gets a new link). Only its SHA-256 is stored
(civicdesk.portal.models.RatingLink), which is how a link is found again.
"""

from __future__ import annotations

import base64
import hashlib

from django.conf import settings
from django.utils.crypto import salted_hmac

TOKEN_BYTES = 15  # 120 bits, 20 URL-safe characters with no punctuation an SMS splitter breaks at
_SALT = "civicdesk.portal.rating"


def rating_token(number: str, seq: int) -> str:
    digest = salted_hmac(_SALT, f"{number}:{seq}", algorithm="sha256").digest()[:TOKEN_BYTES]
    return base64.urlsafe_b64encode(digest).decode("ascii")


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def rating_path(token: str) -> str:
    return f"/portal/r/{token}"


def rating_url(number: str, seq: int) -> str:
    """The full link for the citizen, or "" when no public URL is configured."""
    base = str(settings.CIVICDESK_PUBLIC_URL).rstrip("/")
    if not base:
        return ""
    return base + rating_path(rating_token(number, seq))
