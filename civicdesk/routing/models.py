"""Smart dispatch data: the trained model versions, the per-category auto-dispatch
switches, and what the model decided for each order that entered the dispatch queue."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from civicdesk.catalogue.models import Category
from civicdesk.orders.models import WorkOrder
from civicdesk.org.models import OrgUnit


class VersionStatus(models.TextChoices):
    TRAINING = "training", _("训练中")
    READY = "ready", _("已完成")
    FAILED = "failed", _("训练失败")


class ModelVersion(models.Model):
    """One trained dispatch model with the figures it earned on orders it never saw.

    The held-back orders are the most recent closed orders (by closing time); the model is
    trained on the older ones only, so its figures and the active version's figures on the
    same held-back orders are an honest comparison (the active one was trained earlier, on
    even older orders)."""

    number = models.PositiveIntegerField(_("版本号"), unique=True)
    status = models.CharField(_("状态"), max_length=12, choices=VersionStatus.choices, default=VersionStatus.TRAINING)
    trigger = models.CharField(_("触发方式"), max_length=20, blank=True)  # admin / nightly / demo / command
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发起人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"))
    trained_at = models.DateTimeField(_("训练完成时间"), null=True, blank=True)
    seconds = models.FloatField(_("训练耗时（秒）"), null=True, blank=True)
    artefact = models.BinaryField(_("模型"), null=True, blank=True, editable=False)
    train_size = models.PositiveIntegerField(_("训练工单数"), default=0)
    holdout_size = models.PositiveIntegerField(_("留出工单数"), default=0)
    # Orders closed before this moment trained the model; later ones were held back.
    trained_until = models.DateTimeField(_("训练数据截止"), null=True, blank=True)
    # Headline figures on the held-back orders (fractions 0..1).
    category_accuracy = models.FloatField(_("分类准确率"), null=True, blank=True)
    category_macro_f1 = models.FloatField(_("分类宏平均F1"), null=True, blank=True)
    unit_accuracy = models.FloatField(_("承办单位准确率（按文本）"), null=True, blank=True)
    unit_accuracy_given_category = models.FloatField(_("承办单位准确率（已知分类）"), null=True, blank=True)
    # Everything else: per-category figures, the comparison with the active version, calibration.
    figures = models.JSONField(_("评估明细"), default=dict, blank=True)
    # Cross-validated figure on a labelled set (e.g. routing-eval on the Teddy Cup sample), if given.
    labelled_cv = models.JSONField(_("标注集交叉验证"), null=True, blank=True)
    active = models.BooleanField(_("现用版本"), default=False)
    activated_at = models.DateTimeField(_("启用时间"), null=True, blank=True)
    activated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("启用人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decision = models.CharField(_("上线结论"), max_length=255, blank=True)
    error = models.TextField(_("错误"), blank=True)

    class Meta:
        verbose_name = _("派单模型版本")
        verbose_name_plural = _("派单模型版本")
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["active"], condition=Q(active=True), name="routing_one_active_version"),
        ]

    def __str__(self) -> str:
        return f"v{self.number}"

    def headline(self) -> dict[str, float | None]:
        return {
            "category_accuracy": self.category_accuracy,
            "unit_accuracy": self.unit_accuracy,
            "unit_accuracy_given_category": self.unit_accuracy_given_category,
        }

    def per_category(self) -> dict[str, Any]:
        value = self.figures.get("per_category", {})
        return value if isinstance(value, dict) else {}


class AutoDispatchSetting(models.Model):
    """An admin's switch: orders of this category (and its sub-categories without a setting
    of their own) go out without a dispatcher when the model is confident enough."""

    category = models.OneToOneField(
        Category, verbose_name=_("分类"), on_delete=models.CASCADE, related_name="auto_dispatch"
    )
    enabled = models.BooleanField(_("自动派单"), default=False)
    threshold = models.FloatField(_("置信度阈值"), default=0.9)
    updated_at = models.DateTimeField(_("修改时间"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("修改人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("自动派单设置")
        verbose_name_plural = _("自动派单设置")
        constraints = [
            models.CheckConstraint(condition=Q(threshold__gte=0.5, threshold__lte=1.0), name="routing_threshold_range"),
        ]

    def __str__(self) -> str:
        return f"{self.category} ≥ {self.threshold:.2f}"


class Outcome(models.TextChoices):
    DISPATCHED = "dispatched", _("已自动派单")
    BELOW = "below", _("置信度不足，转人工")
    OFF = "off", _("该分类未开启自动派单")
    NO_MODEL = "no_model", _("无现用模型")
    NO_UNIT = "no_unit", _("无建议单位")
    FAILED = "failed", _("派单失败，转人工")
    UNDONE = "undone", _("自动派单已撤销")


class AutoDispatchDecision(models.Model):
    """What the model decided for one order when it entered the dispatch queue. One row per
    order: the on-commit task and the sweep (the safety net) never both act, and an order
    an auto-dispatch was undone for is left to the dispatchers."""

    order = models.OneToOneField(WorkOrder, on_delete=models.CASCADE, related_name="auto_dispatch_decision")
    decided_at = models.DateTimeField(_("判定时间"))
    outcome = models.CharField(_("结果"), max_length=12, choices=Outcome.choices)
    version = models.ForeignKey(ModelVersion, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    category = models.ForeignKey(Category, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    unit = models.ForeignKey(OrgUnit, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    confidence = models.FloatField(_("置信度"), null=True, blank=True)
    threshold = models.FloatField(_("阈值"), null=True, blank=True)
    note = models.CharField(max_length=255, blank=True)

    class Meta:
        verbose_name = _("自动派单判定")
        verbose_name_plural = _("自动派单判定")
        indexes = [models.Index(fields=["outcome", "decided_at"], name="routing_decision_outcome")]

    def __str__(self) -> str:
        return f"{self.order_id}: {self.outcome}"


class NightlyRun(models.Model):
    """One row per local night: the nightly training is enqueued exactly once however many
    workers run the sweep (the unique date is the lock)."""

    night = models.DateField(unique=True)
    enqueued_at = models.DateTimeField()

    def __str__(self) -> str:
        return str(self.night)
