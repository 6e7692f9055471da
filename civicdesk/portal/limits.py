"""Rate limits of the public pages, counted in the database (several app machines share it).

A limit is (scope, how many, per how many seconds), applied to a key such as the client's IP
or the phone number; keys are stored only as keyed hashes. Every counted attempt is a Hit;
the (scope, key) Bucket row is locked while counting, so concurrent requests queue up.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

# The views count by the client's address; one rule for it, shared with the sign-in lockout.
from civicdesk.lib.clientip import client_ip as client_ip
from civicdesk.portal.models import Bucket, Hit


@dataclass(frozen=True)
class Limit:
    scope: str
    count: int
    seconds: int


def submit_per_ip() -> Limit:
    return Limit("submit_ip", int(settings.CIVICDESK_PORTAL_SUBMITS_PER_IP_HOUR), 3600)


def submit_per_phone() -> Limit:
    return Limit("submit_phone", int(settings.CIVICDESK_PORTAL_SUBMITS_PER_PHONE_DAY), 86400)


def track_per_ip() -> Limit:
    return Limit("track_ip", int(settings.CIVICDESK_PORTAL_TRACKS_PER_IP_HOUR), 3600)


def track_failures_per_number() -> Limit:
    # Wrong digits for one order number: 10 000 combinations must not be tried from many IPs.
    return Limit("track_number", int(settings.CIVICDESK_PORTAL_TRACK_FAILURES_PER_NUMBER), 3600)


def urges_per_order() -> Limit:
    # A 催办 a day is a reminder; more would only flood the unit's inbox.
    return Limit("urge_order", int(settings.CIVICDESK_PORTAL_URGES_PER_ORDER_DAY), 86400)


def urges_per_ip() -> Limit:
    return Limit("urge_ip", int(settings.CIVICDESK_PORTAL_URGES_PER_IP_HOUR), 3600)


def supports_per_ip() -> Limit:
    return Limit("support_ip", int(settings.CIVICDESK_PORTAL_SUPPORTS_PER_IP_HOUR), 3600)


def questions_per_ip() -> Limit:
    # Every captcha question is a row: a flood of page loads must not fill the table.
    return Limit("captcha_ip", int(settings.CIVICDESK_PORTAL_QUESTIONS_PER_IP_HOUR), 3600)


def captcha_audio_per_ip() -> Limit:
    # Each sound is a speech synthesis process on the server.
    return Limit("captcha_audio_ip", int(settings.CIVICDESK_PORTAL_QUESTIONS_PER_IP_HOUR), 3600)


def searches_per_ip() -> Limit:
    return Limit("answers_ip", int(settings.CIVICDESK_PORTAL_QUESTIONS_PER_IP_HOUR) * 3, 3600)


def _key_hash(scope: str, key: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), f"{scope}:{key}".encode(), hashlib.sha256).hexdigest()


def _locked_bucket(scope: str, key_hash: str) -> None:
    for _attempt in range(3):
        try:
            with transaction.atomic():
                Bucket.objects.get_or_create(scope=scope, key_hash=key_hash)
        except IntegrityError:
            pass  # created by a concurrent request a moment ago
        # A list, not .exists(): Django leaves FOR UPDATE out of EXISTS queries.
        if list(Bucket.objects.select_for_update().filter(scope=scope, key_hash=key_hash).values_list("pk")):
            return
        # The cleanup removed it in between; make it again.


def used(limit: Limit, key: str) -> int:
    since = timezone.now() - timedelta(seconds=limit.seconds)
    return Hit.objects.filter(scope=limit.scope, key_hash=_key_hash(limit.scope, key), at__gt=since).count()


def take(limit: Limit, key: str) -> bool:
    """Count one attempt for `key` if the limit allows it; False (and nothing counted) when used up."""
    return reserve(limit, key) is not None


def reserve(limit: Limit, key: str) -> int | None:
    """Count one attempt for `key` if the limit allows it, checking and counting in one locked
    step; the Hit's id (0 for an empty key, which is not limited), or None when used up.

    For limits on failures (wrong tracking digits) the attempt is counted *before* it is
    tried and given back with `release` when it succeeds: checking first and counting after
    the failure let parallel guesses all pass the check before any of them was counted."""
    if not key:
        return 0
    key_hash = _key_hash(limit.scope, key)
    now = timezone.now()
    with transaction.atomic():
        _locked_bucket(limit.scope, key_hash)
        recent = Hit.objects.filter(
            scope=limit.scope, key_hash=key_hash, at__gt=now - timedelta(seconds=limit.seconds)
        ).count()
        if recent >= limit.count:
            return None
        return int(Hit.objects.create(scope=limit.scope, key_hash=key_hash, at=now).pk)


def release(hit_id: int | None) -> None:
    """Give back an attempt counted by `reserve` (it turned out not to count, e.g. a success)."""
    if hit_id:
        Hit.objects.filter(pk=hit_id).delete()


def forget_old() -> int:
    """Hits older than the longest window (a day), and the buckets left without hits."""
    cutoff = timezone.now() - timedelta(days=2)
    hits, _detail = Hit.objects.filter(at__lt=cutoff).delete()
    recent = Hit.objects.filter(scope=OuterRef("scope"), key_hash=OuterRef("key_hash"))
    buckets, _detail = Bucket.objects.filter(~Exists(recent)).delete()
    return int(hits) + int(buckets)
