"""Phone calls as the softphones report them: ringing, answered, hung up, missed — against
the caller's number, with the call id and the agent. Missed calls wait to be called back;
an order taken on a call links to it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civicdesk.orders.models import WorkOrder
from civicdesk.org.models import OrgUnit


class CallEventKind(models.TextChoices):
    RINGING = "ringing", _("振铃")
    ANSWERED = "answered", _("接听")
    HUNG_UP = "hung_up", _("挂断")
    MISSED = "missed", _("未接")


class CallState(models.TextChoices):
    RINGING = "ringing", _("振铃中")
    ANSWERED = "answered", _("通话中")
    COMPLETED = "completed", _("已接听")
    MISSED = "missed", _("未接")


class Call(models.Model):
    """One call, as one row that the events move along."""

    call_id = models.CharField(_("呼叫编号"), max_length=64, unique=True)
    phone = models.CharField(_("来电号码"), max_length=20, db_index=True)
    hub = models.ForeignKey(OrgUnit, verbose_name=_("受理中心"), on_delete=models.PROTECT, related_name="+")
    state = models.CharField(_("状态"), max_length=20, choices=CallState.choices, default=CallState.RINGING)
    # Who took it (or whose phone rang, for a missed call).
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("话务员"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    extension = models.CharField(_("分机"), max_length=20, blank=True)
    started_at = models.DateTimeField(_("来电时间"), default=timezone.now)
    answered_at = models.DateTimeField(_("接听时间"), null=True, blank=True)
    ended_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    order = models.ForeignKey(
        WorkOrder, verbose_name=_("工单"), null=True, blank=True, on_delete=models.SET_NULL, related_name="calls"
    )
    called_back_at = models.DateTimeField(_("回拨时间"), null=True, blank=True)
    called_back_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("回拨人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("来电")
        verbose_name_plural = _("来电")
        indexes = [models.Index(fields=["hub", "state", "called_back_at", "started_at"], name="intake_call_missed")]

    def __str__(self) -> str:
        return self.call_id  # not the number: this string is shown in the admin and in logs


class CallEvent(models.Model):
    """What the softphone said, append-only; each kind at most once per call, so a retried
    post changes nothing."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("事件"), max_length=20, choices=CallEventKind.choices)
    at = models.DateTimeField(_("时间"), default=timezone.now)
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    extension = models.CharField(max_length=20, blank=True)
    # The user whose API token posted it (a softphone's or the telephony system's).
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("来电事件")
        verbose_name_plural = _("来电事件")
        ordering = ["call", "at", "pk"]
        constraints = [models.UniqueConstraint(fields=["call", "kind"], name="intake_call_event_once")]

    def __str__(self) -> str:
        return f"{self.call_id} {self.kind} {self.at:%H:%M:%S}"


class DialOutcome(models.TextChoices):
    SENT = "sent", _("已发送")
    FAILED = "failed", _("失败")


class DialRequest(models.Model):
    """A click-to-dial request sent to the center's telephony system (civicdesk.intake.dial):
    who asked to call which number, for which order or missed call, and what came of it.
    Append-only, like the call events."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    phone = models.CharField(_("号码"), max_length=20)
    order = models.ForeignKey(WorkOrder, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    call = models.ForeignKey(Call, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(_("时间"), default=timezone.now)
    outcome = models.CharField(_("结果"), max_length=10, choices=DialOutcome.choices)
    detail = models.CharField(_("说明"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("拨号请求")
        verbose_name_plural = _("拨号请求")
        indexes = [models.Index(fields=["user", "at"], name="intake_dial_user")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.at:%Y-%m-%d %H:%M} {self.outcome}"  # not the number: logs


class IntakeSubmission(models.Model):
    """The one-time token of an intake form and the order it made: sending the same form
    again (back after submitting, a double click, a retried post) finds this row and shows
    that order instead of taking the call twice — the intake page's Idempotency-Key.

    The unique token is what makes two concurrent posts create one order: the second insert
    waits for the first transaction and then fails."""

    token = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    order = models.ForeignKey(WorkOrder, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("受理提交记录")
        verbose_name_plural = _("受理提交记录")

    def __str__(self) -> str:
        return f"{self.user_id} {self.token[:8]}…"
