"""Quality inspection (质检) of answered calls.

A sampling rule fills a hub's inspection queue each week (civicdesk.quality.sampling); an
inspector scores a call on the hub's form — items with points and the deductions that can be
made under each — the operator sees the result and may appeal once, and a second person
decides the appeal. Every change is an action (civicdesk.quality.actions) that appends one
InspectionEvent; the inspection row holds the current state for the lists and the reports.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from civicdesk.intake.models import Call
from civicdesk.org.models import OrgUnit

FULL_MARKS = 100


class SamplingRule(models.Model):
    """How a hub's calls are picked for inspection, per operator and week. A hub without a
    rule of its own uses the one without a hub (and, without any, the defaults below)."""

    hub = models.OneToOneField(
        OrgUnit, verbose_name=_("中心"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    percent = models.DecimalField(
        _("每名话务员每周抽检比例（%）"),
        max_digits=5,
        decimal_places=2,
        default=5,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    # An operator with answered calls gets at least this many drawn, however few calls they took.
    minimum = models.PositiveSmallIntegerField(_("每人每周至少抽检（通）"), default=1)
    complaints = models.BooleanField(_("投诉类来电全部质检"), default=True)
    unsatisfied = models.BooleanField(_("回访不满意的来电全部质检"), default=True)
    # Part of the draw's seed: changing it draws other calls (the same seed always the same).
    seed = models.CharField(_("抽样种子"), max_length=40, blank=True, default="")

    class Meta:
        verbose_name = _("质检抽样规则")
        verbose_name_plural = _("质检抽样规则")

    def __str__(self) -> str:
        return f"{self.hub or _('默认')}: {self.percent}%"


class ScoreForm(models.Model):
    """A scoring form (评分表): items with points; the active form of the hub (else the one
    without a hub) is used for new scores."""

    hub = models.ForeignKey(
        OrgUnit, verbose_name=_("中心"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    name = models.CharField(_("名称"), max_length=60)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("质检评分表")
        verbose_name_plural = _("质检评分表")

    def __str__(self) -> str:
        return self.name


class ScoreItem(models.Model):
    """One item of the form (问候语, 倾听, 记录准确, 派单或答复正确, 礼貌): its points are the most
    its deductions can take away."""

    form = models.ForeignKey(ScoreForm, verbose_name=_("评分表"), on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField(_("顺序"), default=0)
    name = models.CharField(_("项目"), max_length=40)
    points = models.PositiveSmallIntegerField(_("分值"), validators=[MinValueValidator(1)])
    guidance = models.CharField(_("评分要点"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("评分项目")
        verbose_name_plural = _("评分项目")
        ordering = ["form", "position", "pk"]

    def __str__(self) -> str:
        return f"{self.name}（{self.points}）"


class DeductionReason(models.Model):
    """A deduction the inspector can tick under an item (未使用标准问候语 −2)."""

    item = models.ForeignKey(ScoreItem, verbose_name=_("评分项目"), on_delete=models.CASCADE, related_name="reasons")
    text = models.CharField(_("扣分原因"), max_length=80)
    points = models.PositiveSmallIntegerField(_("扣分"), validators=[MinValueValidator(1)])

    class Meta:
        verbose_name = _("扣分项")
        verbose_name_plural = _("扣分项")
        ordering = ["item", "pk"]

    def __str__(self) -> str:
        return f"{self.text}（−{self.points}）"


class Picked(models.TextChoices):
    RANDOM = "random", _("随机抽检")
    COMPLAINT = "complaint", _("投诉来电")
    UNSATISFIED = "unsatisfied", _("回访不满意")


class InspectionState(models.TextChoices):
    QUEUED = "queued", _("待质检")
    SCORED = "scored", _("已评分")
    APPEALED = "appealed", _("申诉中")
    FINAL = "final", _("已定分")


class Inspection(models.Model):
    """One call in the inspection queue, and its score."""

    call = models.OneToOneField(Call, verbose_name=_("来电"), on_delete=models.CASCADE, related_name="inspection")
    hub = models.ForeignKey(OrgUnit, verbose_name=_("中心"), on_delete=models.CASCADE, related_name="+")
    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("话务员"), on_delete=models.CASCADE, related_name="+"
    )
    week = models.DateField(_("所属周"), db_index=True)  # the Monday of the call's week
    picked = models.CharField(_("抽检原因"), max_length=20, choices=Picked.choices)
    state = models.CharField(
        _("状态"), max_length=20, choices=InspectionState.choices, default=InspectionState.QUEUED, db_index=True
    )
    form = models.ForeignKey(ScoreForm, verbose_name=_("评分表"), null=True, on_delete=models.PROTECT, related_name="+")
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("质检员"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    scored_at = models.DateTimeField(_("评分时间"), null=True)
    score = models.PositiveSmallIntegerField(_("得分"), null=True)
    comment = models.TextField(_("质检评语"), blank=True)
    appeal = models.TextField(_("申诉理由"), blank=True)
    appealed_at = models.DateTimeField(_("申诉时间"), null=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("复核人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("复核时间"), null=True)
    decision = models.TextField(_("复核意见"), blank=True)
    version = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("质检")
        verbose_name_plural = _("质检")
        ordering = ["-week", "pk"]
        indexes = [models.Index(fields=["hub", "state", "week"], name="quality_queue")]

    def __str__(self) -> str:
        return f"{self.call_id} {self.get_state_display()}"

    @property
    def may_appeal(self) -> bool:
        return self.state == InspectionState.SCORED and self.appealed_at is None


class Deduction(models.Model):
    """A deduction made when scoring; the appeal's decision may withdraw it (kept, marked)."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="deductions")
    reason = models.ForeignKey(DeductionReason, verbose_name=_("扣分项"), on_delete=models.PROTECT, related_name="+")
    points = models.PositiveSmallIntegerField(_("扣分"))
    withdrawn = models.BooleanField(_("复核撤销"), default=False)

    class Meta:
        verbose_name = _("扣分")
        verbose_name_plural = _("扣分")
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.reason.text} −{self.points}"


class InspectionEvent(models.Model):
    """What happened to an inspection, who did it and when; never edited."""

    class Action(models.TextChoices):
        QUEUED = "queued", _("抽入质检")
        SCORED = "scored", _("评分")
        APPEALED = "appealed", _("申诉")
        DECIDED = "decided", _("申诉复核")

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("动作"), max_length=20, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(_("时间"))
    from_state = models.CharField(max_length=20, blank=True)
    to_state = models.CharField(max_length=20)
    note = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("质检记录")
        verbose_name_plural = _("质检记录")
        ordering = ["inspection", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.inspection_id} {self.action} {self.at:%Y-%m-%d %H:%M}"
