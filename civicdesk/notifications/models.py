"""The outbox: notifications written in the same transaction as the move that caused
them, so they exist exactly when the move committed. Delivery reads from here."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Medium(models.TextChoices):
    INBOX = "inbox", _("站内消息")
    SMS = "sms", _("短信")
    EMAIL = "email", _("电子邮件")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("待发送")
    SENT = "sent", _("已发送")
    FAILED = "failed", _("发送失败")


class OutboxMessage(models.Model):
    order = models.ForeignKey("orders.WorkOrder", on_delete=models.CASCADE, related_name="+")
    event = models.ForeignKey("orders.OrderEvent", on_delete=models.PROTECT, related_name="notifications")
    medium = models.CharField(max_length=10, choices=Medium.choices)
    # A staff member for inbox messages, or an address (phone, e-mail) for the outside.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="notifications"
    )
    address = models.CharField(max_length=254, blank=True)
    template = models.CharField(max_length=40)
    text = models.TextField()
    status = models.CharField(max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        indexes = [
            models.Index(fields=["status", "medium", "created_at"], name="outbox_pending"),
            models.Index(fields=["user", "read_at"], name="outbox_user_unread"),
        ]

    def __str__(self) -> str:
        return f"{self.get_medium_display()} → {self.user or self.address}: {self.text[:30]}"
