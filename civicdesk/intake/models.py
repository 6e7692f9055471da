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
    # What a CTI or softphone reports: the call enters the queue (skill group), an agent's
    # phone rings, the agent answers, passes it on (transfer), and someone hangs up.
    QUEUED = "queued", _("排队")
    RINGING = "ringing", _("振铃")
    ANSWERED = "answered", _("接听")
    TRANSFERRED = "transferred", _("转接")
    HUNG_UP = "hung_up", _("挂断")
    MISSED = "missed", _("未接")


# Kinds a call can have more than once, told apart by the CTI's leg number (a call passed on
# twice has two transfers); every other kind is kept once per call (leg 0).
REPEATABLE_KINDS = frozenset({CallEventKind.TRANSFERRED})


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
    # The queue (skill group) the call waited in, as the CTI names it ("" when it sent none).
    queue = models.CharField(_("队列"), max_length=40, blank=True)
    # The recording server's id of this call's recording; the audio stays on that server and
    # is played through civicdesk.intake.recordings (the right is checked, every play kept).
    recording_id = models.CharField(_("录音编号"), max_length=128, blank=True)
    transfer_count = models.PositiveSmallIntegerField(_("转接次数"), default=0)
    # The agent the call was last passed to (agent stays the one who answered it first).
    transferred_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("转接至"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Derived from the times above on every event, in whole seconds, so the call measures
    # (civicdesk.intake.callmeasures) count and sum waits and talks without date arithmetic: the wait
    # from arrival to answer (or, unanswered, to hang-up), the talk from answer to hang-up.
    wait_seconds = models.PositiveIntegerField(_("等待秒数"), null=True, blank=True)
    talk_seconds = models.PositiveIntegerField(_("通话秒数"), null=True, blank=True)
    # Set on every change (events, call back): the call rollups take in the calls changed since.
    changed_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("来电")
        verbose_name_plural = _("来电")
        indexes = [
            models.Index(fields=["hub", "state", "called_back_at", "started_at"], name="intake_call_missed"),
            models.Index(fields=["started_at"], name="intake_call_started"),
        ]

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
    # 0 for the kinds kept once per call; a transfer's number within the call (1, 2, …).
    leg = models.PositiveSmallIntegerField(default=0)
    queue = models.CharField(max_length=40, blank=True)
    recording_id = models.CharField(max_length=128, blank=True)

    class Meta:
        verbose_name = _("来电事件")
        verbose_name_plural = _("来电事件")
        ordering = ["call", "at", "pk"]
        constraints = [models.UniqueConstraint(fields=["call", "kind", "leg"], name="intake_call_event_once")]

    def __str__(self) -> str:
        return f"{self.call_id} {self.kind} {self.at:%H:%M:%S}"


class RecordingPlay(models.Model):
    """Who opened which call's recording, and when (录音调听留痕). Append-only: written by
    the play view before it sends the listener on to the recording server."""

    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="plays")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        verbose_name = _("录音调听记录")
        verbose_name_plural = _("录音调听记录")
        indexes = [models.Index(fields=["call", "at"], name="intake_recording_play")]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.call_id} {self.at:%Y-%m-%d %H:%M}"


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


# The grains of the call rollups: which dimensions a row keeps besides its local day. A query
# uses the smallest grain holding every dimension it filters or groups by ("full": all).
CALL_GRAINS: dict[str, tuple[str, ...]] = {
    "day": ("hub_id",),
    "hour": ("hour", "hub_id"),
    "agent": ("hub_id", "agent_id"),
    "queue": ("hub_id", "queue"),
    "full": ("hour", "hub_id", "agent_id", "queue"),
}
CALL_COUNTERS: tuple[str, ...] = (
    "offered",
    "answered",
    "abandoned",
    "abandoned_5s",
    "answered_15s",
    "transferred",
    "wait_sum",  # seconds, over the answered calls
    "talk_count",
    "talk_sum",  # seconds, over the answered calls that have ended
    "called_back",
    "callback_sum",  # seconds from the end of a missed call to its call back
)


class CallRollup(models.Model):
    """The call counters of one local day (and hour, hub, agent, queue as the grain keeps),
    summed from the calls by civicdesk.intake.callmeasures; equal to counting the calls.
    Month rows (grain "m_" + a day grain, day = the 1st) sum a calendar month's day rows."""

    day = models.DateField()
    grain = models.CharField(max_length=10)
    hour = models.PositiveSmallIntegerField(null=True)
    # Plain ids, not foreign keys: rows are rebuilt, never joined on write.
    hub_id = models.IntegerField(null=True)
    agent_id = models.IntegerField(null=True)
    queue = models.CharField(max_length=40, blank=True)
    offered = models.PositiveIntegerField(default=0)
    answered = models.PositiveIntegerField(default=0)
    abandoned = models.PositiveIntegerField(default=0)
    abandoned_5s = models.PositiveIntegerField(default=0)
    answered_15s = models.PositiveIntegerField(default=0)
    transferred = models.PositiveIntegerField(default=0)
    wait_sum = models.BigIntegerField(default=0)
    talk_count = models.PositiveIntegerField(default=0)
    talk_sum = models.BigIntegerField(default=0)
    called_back = models.PositiveIntegerField(default=0)
    callback_sum = models.BigIntegerField(default=0)
    # The answered calls' waits as {seconds: calls}: the p90 wait of any sum of rows is read
    # from the summed histogram, exactly as from the calls themselves.
    wait_hist = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("话务日统计汇总")
        verbose_name_plural = _("话务日统计汇总")
        indexes = [models.Index(fields=["grain", "day"], name="call_rollup_grain_day")]

    def __str__(self) -> str:
        return f"{self.day} {self.grain}"
