"""Support measures for enterprises (惠企政策): each measure with its plain-language summary,
its conditions as fields the matching reads (civicdesk.policies.matching), its full text and
source, an append-only history of its changes, and the pushes that told companies about it."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civicdesk.catalogue.models import Area
from civicdesk.enterprises.models import Enterprise


class Policy(models.Model):
    """One measure (一项政策措施). Changed only through civicdesk.policies.actions, which
    bumps `revision` when what a company reads changes and writes a PolicyEvent."""

    code = models.CharField(_("政策编号"), max_length=40, unique=True)
    title = models.CharField(_("政策名称"), max_length=200)
    issuing_body = models.CharField(_("发布单位"), max_length=100)
    document_number = models.CharField(_("文号"), max_length=80, blank=True)
    issued_on = models.DateField(_("发布日期"), null=True, blank=True)
    valid_from = models.DateField(_("执行日期"), null=True, blank=True)
    valid_to = models.DateField(_("截止日期"), null=True, blank=True)
    # The plain-language summary (让企业看得懂), shown before the full text everywhere.
    benefit = models.TextField(_("能享受什么"))
    eligibility = models.TextField(_("谁可以申请"))
    materials = models.TextField(_("需要准备什么"), blank=True)
    contact = models.CharField(_("咨询电话"), max_length=200, blank=True)
    full_text = models.TextField(_("政策原文"), blank=True)
    source_document = models.CharField(_("原文出处"), max_length=200, blank=True)
    source_url = models.URLField(_("原文链接"), blank=True)
    # Conditions. An empty list / None means the measure does not ask.
    industries = models.JSONField(_("适用行业"), default=list, blank=True)  # GB/T 4754 section letters
    sizes = models.JSONField(_("适用规模"), default=list, blank=True)  # EnterpriseSize values
    areas = models.ManyToManyField(Area, verbose_name=_("适用区域"), blank=True, related_name="+")
    min_age_years = models.PositiveSmallIntegerField(_("成立至少（年）"), null=True, blank=True)
    max_age_years = models.PositiveSmallIntegerField(_("成立不超过（年）"), null=True, blank=True)
    licences = models.JSONField(_("须持有证照"), default=list, blank=True)  # LicenceKind values
    min_annual_tax = models.DecimalField(
        _("上年纳税至少（万元）"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    min_employees = models.PositiveIntegerField(_("从业人数至少"), null=True, blank=True)
    max_employees = models.PositiveIntegerField(_("从业人数至多"), null=True, blank=True)
    active = models.BooleanField(_("有效"), default=True)
    revision = models.PositiveIntegerField(_("版本"), default=1)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    updated_at = models.DateTimeField(_("更新时间"), default=timezone.now)

    class Meta:
        verbose_name = _("惠企政策")
        verbose_name_plural = _("惠企政策")
        ordering = ["-issued_on", "code"]

    def __str__(self) -> str:
        return self.title


class AppendOnlyQuerySet(models.QuerySet[Any]):
    def update(self, **kwargs: Any) -> int:
        raise PermissionError("policy events are append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("policy events are append-only")


class PolicyEvent(models.Model):
    """One change of a measure (created, changed, withdrawn, imported, cited). Never updated."""

    policy = models.ForeignKey(Policy, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(max_length=20)
    revision = models.PositiveIntegerField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    data = models.JSONField(default=dict, blank=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("政策变更记录")
        verbose_name_plural = _("政策变更记录")
        ordering = ["policy", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.policy_id} r{self.revision} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("policy events are append-only")
        super().save(*args, **kwargs)


class PolicyPush(models.Model):
    """A revision of a measure told to one matching company or one of their liaison officers.
    The unique constraints make each happen once per change, however often the push runs."""

    policy = models.ForeignKey(Policy, on_delete=models.CASCADE, related_name="pushes")
    revision = models.PositiveIntegerField()
    enterprise = models.ForeignKey(Enterprise, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    messages = models.ManyToManyField("notifications.OutboxMessage", related_name="+", blank=True)

    class Meta:
        verbose_name = _("政策推送")
        verbose_name_plural = _("政策推送")
        constraints = [
            models.UniqueConstraint(
                fields=["policy", "revision", "enterprise"],
                condition=Q(enterprise__isnull=False),
                name="push_once_company",
            ),
            models.UniqueConstraint(
                fields=["policy", "revision", "officer"], condition=Q(officer__isnull=False), name="push_once_officer"
            ),
            models.CheckConstraint(
                condition=Q(enterprise__isnull=True) ^ Q(officer__isnull=True), name="push_one_recipient"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.policy_id} r{self.revision} → {self.enterprise_id or self.officer_id}"


class PolicyCitation(models.Model):
    """A knowledge article that gives a measure as its source (政策依据)."""

    policy = models.ForeignKey(Policy, on_delete=models.CASCADE, related_name="citations")
    article = models.ForeignKey("knowledge.Article", on_delete=models.CASCADE, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("知识库引用")
        verbose_name_plural = _("知识库引用")
        constraints = [models.UniqueConstraint(fields=["policy", "article"], name="citation_once")]

    def __str__(self) -> str:
        return f"{self.article_id} ← {self.policy_id}"
