"""Parallel approval (并联审批): an application (项目/事项) of a company is a joint order of the
core — the lead department assembles the result, every other department approving it is an
assisting unit with its own part deadline — so its moves, clocks, history and rights are the
order engine's. What the order does not know is kept here: what is applied for, and each
department's serial time (its own statutory time, what the application would take one after
another), which is also its part's deadline."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civicdesk.enterprises.models import Enterprise
from civicdesk.orders.models import WorkOrder
from civicdesk.org.models import OrgUnit


class ApplicationKind(models.TextChoices):
    PROJECT = "project", _("项目")
    MATTER = "matter", _("事项")


class Application(models.Model):
    order = models.OneToOneField(WorkOrder, on_delete=models.PROTECT, related_name="approval")
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("申请企业"), on_delete=models.PROTECT, related_name="applications"
    )
    name = models.CharField(_("项目/事项名称"), max_length=200)
    kind = models.CharField(_("类型"), max_length=10, choices=ApplicationKind.choices, default=ApplicationKind.PROJECT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("申请时间"), default=timezone.now)

    class Meta:
        verbose_name = _("并联审批申请")
        verbose_name_plural = _("并联审批申请")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.name


class ApprovalStep(models.Model):
    """One department's share of an application: its serial (statutory) time in working days."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="steps")
    unit = models.ForeignKey(OrgUnit, verbose_name=_("审批部门"), on_delete=models.PROTECT, related_name="+")
    lead = models.BooleanField(_("牵头部门"), default=False)
    days = models.DecimalField(_("承诺时限（工作日）"), max_digits=5, decimal_places=1)

    class Meta:
        verbose_name = _("审批部门")
        verbose_name_plural = _("审批部门")
        ordering = ["-lead", "pk"]
        constraints = [models.UniqueConstraint(fields=["application", "unit"], name="approval_step_once")]

    def __str__(self) -> str:
        return f"{self.application_id} {self.unit_id} {self.days}"
