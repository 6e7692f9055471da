"""The outbox: notifications written in the same transaction as the move that caused
them, so they exist exactly when the move committed. Delivery reads from here
(civicdesk.notifications.delivery; its docstring has the at-most-once rule)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civicdesk.lib.masking import mask_phone


class Medium(models.TextChoices):
    INBOX = "inbox", _("站内消息")
    SMS = "sms", _("短信")
    EMAIL = "email", _("电子邮件")
    # A move reported to the upstream platform an order came from (civicdesk.upstream).
    UPSTREAM = "upstream", _("上级平台回报")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("待发送")
    # Claimed by a worker that is calling the backend right now (or died doing so).
    SENDING = "sending", _("发送中")
    SENT = "sent", _("已发送")
    FAILED = "failed", _("发送失败")
    # A worker died mid-send and the backend cannot tell us whether it went out: a person checks.
    UNKNOWN = "unknown", _("待人工核实")
    # Queued longer ago than CIVICDESK_OUTBOX_MAX_AGE_HOURS: no longer worth sending (a
    # "your order was accepted" SMS days late confuses more than it helps).
    EXPIRED = "expired", _("已过期未发送")
    # Withdrawn before it went out by whoever queued it (a licence renewed before its
    # expiry reminder was sent).
    CANCELLED = "cancelled", _("已取消")


class OutboxMessage(models.Model):
    # The order and move that caused the message; empty for messages about something else
    # (a licence expiry reminder, civicdesk.enterprises.reminders), which carry their own subject.
    order = models.ForeignKey("orders.WorkOrder", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    event = models.ForeignKey(
        "orders.OrderEvent", null=True, blank=True, on_delete=models.PROTECT, related_name="notifications"
    )
    medium = models.CharField(max_length=10, choices=Medium.choices)
    # A staff member for inbox messages, or an address (phone, e-mail) for the outside.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="notifications"
    )
    address = models.CharField(max_length=254, blank=True)
    template = models.CharField(max_length=40)
    text = models.TextField()
    # E-mail subject of a message without an order (those with one get it from their template).
    subject = models.CharField(max_length=200, blank=True, default="", db_default="")
    status = models.CharField(max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    # Delivery bookkeeping. Database defaults too, because the demo's bulk loader COPYs rows
    # naming only the columns above.
    attempt_count = models.PositiveSmallIntegerField(default=0, db_default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    claimed_by = models.CharField(max_length=64, blank=True, default="", db_default="")
    # Written and committed just before each call to a backend (cleared by a new claim): a claim
    # whose lease ran out without it never reached the gateway and is simply retried; with it,
    # the send may have happened and (unless the gateway drops repeats) a person decides.
    handed_at = models.DateTimeField(null=True, blank=True)
    # SMS longer than one segment go out part by part; a retry resumes after the last sent part.
    parts_sent = models.PositiveSmallIntegerField(default=0, db_default=0)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True, default="", db_default="")

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        indexes = [
            models.Index(fields=["status", "medium", "created_at"], name="outbox_pending"),
            models.Index(fields=["user", "read_at"], name="outbox_user_unread"),
            models.Index(fields=["status", "next_attempt_at"], name="outbox_due"),
            # The sweep's claim walks what is waiting to go out in its order (created_at, pk)
            # and stops at a batch: without it, it sorted every pending SMS first (3 s at 160k
            # waiting, 0.15 ms with it; issue #20). Inbox rows are never sent by a claim.
            models.Index(
                fields=["created_at", "id"],
                name="outbox_out_waiting",
                condition=models.Q(status="pending") & ~models.Q(medium="inbox"),
            ),
        ]

    def __str__(self) -> str:
        # A citizen's number masked: this string shows in the admin and in logs.
        to = self.user or (mask_phone(self.address) if self.medium == Medium.SMS else self.address)
        return f"{self.get_medium_display()} → {to}: {self.text[:30]}"


class DeliveryAttempt(models.Model):
    """One call to a backend (or one lease expiry found by a sweep), append-only."""

    message = models.ForeignKey(OutboxMessage, on_delete=models.CASCADE, related_name="delivery_attempts")
    at = models.DateTimeField(default=timezone.now)
    worker = models.CharField(max_length=64)
    ok = models.BooleanField()
    error = models.TextField(blank=True)
    response = models.TextField(blank=True)

    class Meta:
        verbose_name = _("发送记录")
        verbose_name_plural = _("发送记录")
        ordering = ["message", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.message_id} @ {self.at:%Y-%m-%d %H:%M:%S} {'ok' if self.ok else 'failed'}"
