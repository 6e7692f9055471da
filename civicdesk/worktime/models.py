"""The center's working calendar overrides and its time-limit policies."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from civicdesk.catalogue.models import Category, RequestType, Urgency
from civicdesk.lib.worktime import LimitUnit


class CalendarDay(models.Model):
    """An admin-entered day that overrides the State Council schedule (e.g. next year's
    holidays before the chinese-calendar data has them, or a local day off)."""

    day = models.DateField(_("日期"), unique=True)
    is_workday = models.BooleanField(_("是工作日"))
    note = models.CharField(_("说明"), max_length=100, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, editable=False
    )
    entered_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("日历调整")
        verbose_name_plural = _("日历调整")
        ordering = ["day"]

    def __str__(self) -> str:
        kind = _("工作日") if self.is_workday else _("休息日")
        return f"{self.day:%Y-%m-%d} {kind} {self.note}".strip()


class Stage(models.TextChoices):
    SIGN = "sign", _("签收时限")
    HANDLE = "handle", _("办理时限")
    RETURN = "return", _("退单时限")
    EXTENSION_CAP = "extension_cap", _("延期上限")
    CALLBACK = "callback", _("回访时限")


LIMIT_UNIT_CHOICES = [
    (LimitUnit.WORKING_HOURS.value, _("工作小时")),
    (LimitUnit.WORKING_DAYS.value, _("工作日")),
    (LimitUnit.CALENDAR_HOURS.value, _("自然小时")),
]


class TimeLimitPolicy(models.Model):
    """One time limit. Empty request type / urgency / category mean "any"; the most
    specific matching row wins (see civicdesk.worktime.limits)."""

    stage = models.CharField(_("环节"), max_length=20, choices=Stage.choices)
    request_type = models.CharField(
        _("诉求类型"), max_length=20, choices=RequestType.choices, blank=True
    )
    urgency = models.CharField(_("紧急程度"), max_length=20, choices=Urgency.choices, blank=True)
    category = models.ForeignKey(
        Category, verbose_name=_("分类"), null=True, blank=True, on_delete=models.CASCADE
    )
    amount = models.DecimalField(
        _("时长"), max_digits=7, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    unit = models.CharField(_("单位"), max_length=20, choices=LIMIT_UNIT_CHOICES)

    class Meta:
        verbose_name = _("时限规则")
        verbose_name_plural = _("时限规则")
        constraints = [
            models.UniqueConstraint(
                "stage", "request_type", "urgency", Coalesce("category", 0), name="time_limit_unique_scope"
            )
        ]

    def __str__(self) -> str:
        scope = " · ".join(
            str(x)
            for x in (self.get_request_type_display(), self.get_urgency_display(), self.category)
            if x
        )
        return f"{self.get_stage_display()} {scope or _('默认')}: {self.amount} {self.get_unit_display()}"
