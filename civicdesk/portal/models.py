"""What the citizen portal keeps: rating links (hashed) and the hits its rate limits count
(captcha questions are django-simple-captcha's rows). All in the database, because several
app machines share it."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civicdesk.orders.models import OrderEvent, WorkOrder
from civicdesk.orders.store import RecordedEvent
from civicdesk.portal.links import rating_token, token_hash


class RatingLink(models.Model):
    """The login-free link a citizen gets when the hub accepts the reply. Only the SHA-256 of
    the token is kept; the token itself is an HMAC of the order number and the event's seq
    under SECRET_KEY (civicdesk.portal.links), so the outbox and this row agree."""

    order = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, related_name="rating_links")
    # The accept_reply event the link is about; a reworked order's next acceptance gets a new link.
    event = models.OneToOneField(OrderEvent, on_delete=models.CASCADE, related_name="rating_link")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("评价链接")
        verbose_name_plural = _("评价链接")

    def __str__(self) -> str:
        return f"{self.order_id} #{self.event_id}"

    @classmethod
    def issue(cls, order: WorkOrder, event: OrderEvent, *, only_if_sent: bool = True) -> tuple[RatingLink | None, bool]:
        """The row for the link the accept_reply SMS carries, and whether it is new (idempotent).
        Without a public URL the SMS carries no link, so no row either (unless asked, as the demo does)."""
        if only_if_sent and not settings.CIVICDESK_PUBLIC_URL:
            return None, False
        new = cls.for_event(order, event)
        return cls.objects.get_or_create(
            event=event,
            defaults={
                "order": order,
                "token_hash": new.token_hash,
                "created_at": new.created_at,
                "expires_at": new.expires_at,
            },
        )

    @classmethod
    def for_event(cls, order: WorkOrder, event: RecordedEvent) -> RatingLink:
        """The (unsaved) row of the link the accept_reply `event` of `order` carries."""
        token = rating_token(order.number, event.seq)
        return cls(
            order_id=order.pk,
            event_id=event.pk,
            token_hash=token_hash(token),
            created_at=event.at,
            expires_at=event.at + timedelta(days=int(settings.CIVICDESK_RATING_LINK_DAYS)),
        )


class Hit(models.Model):
    """One counted attempt (a submission, a tracking check) by one client IP or phone,
    identified only by a keyed hash, for the sliding-window rate limits."""

    scope = models.CharField(max_length=20)
    key_hash = models.CharField(max_length=64)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("访问计数")
        verbose_name_plural = _("访问计数")
        indexes = [models.Index(fields=["scope", "key_hash", "at"], name="portal_hit_window")]

    def __str__(self) -> str:
        return f"{self.scope} {self.key_hash[:8]} {self.at:%Y-%m-%d %H:%M}"


class Bucket(models.Model):
    """One row per counted (scope, key): locking it serialises the check-and-count of that
    key across processes and machines, so a burst cannot slip past the limit."""

    scope = models.CharField(max_length=20)
    key_hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("限流计数键")
        verbose_name_plural = _("限流计数键")
        constraints = [models.UniqueConstraint(fields=["scope", "key_hash"], name="portal_bucket_unique")]

    def __str__(self) -> str:
        return f"{self.scope} {self.key_hash[:8]}"
