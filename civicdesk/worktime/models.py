"""The center's working calendar overrides and its time-limit policies."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from civicdesk.catalogue.models import Category, RequestType, Urgency
from civicdesk.lib.worktime import LimitUnit
from civicdesk.org.models import OrgUnit


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
    # Each assisting unit's part of a joint order (并联办理); never later than the lead's deadline.
    PART = "part", _("协办时限")


LIMIT_UNIT_CHOICES = [
    (LimitUnit.WORKING_HOURS.value, _("工作小时")),
    (LimitUnit.WORKING_DAYS.value, _("工作日")),
    (LimitUnit.CALENDAR_HOURS.value, _("自然小时")),
]


class TimeLimitPolicy(models.Model):
    """One time limit. Empty request type / urgency / category mean "any"; the most
    specific matching row wins (see civicdesk.worktime.limits)."""

    stage = models.CharField(_("环节"), max_length=20, choices=Stage.choices)
    request_type = models.CharField(_("诉求类型"), max_length=20, choices=RequestType.choices, blank=True)
    urgency = models.CharField(_("紧急程度"), max_length=20, choices=Urgency.choices, blank=True)
    category = models.ForeignKey(Category, verbose_name=_("分类"), null=True, blank=True, on_delete=models.CASCADE)
    # 涉企诉求: a row with this set applies only to orders with an enterprise, and beats
    # the same row without it.
    enterprise = models.BooleanField(_("仅涉企诉求"), default=False)
    amount = models.DecimalField(
        _("时长"), max_digits=7, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    unit = models.CharField(_("单位"), max_length=20, choices=LIMIT_UNIT_CHOICES)

    class Meta:
        verbose_name = _("时限规则")
        verbose_name_plural = _("时限规则")
        constraints = [
            models.UniqueConstraint(
                "stage",
                "request_type",
                "urgency",
                Coalesce("category", 0),
                "enterprise",
                name="time_limit_unique_scope",
            )
        ]

    def __str__(self) -> str:
        scope = " · ".join(
            str(x)
            for x in (
                _("涉企") if self.enterprise else "",
                self.get_request_type_display(),
                self.get_urgency_display(),
                self.category,
            )
            if x
        )
        return f"{self.get_stage_display()} {scope or _('默认')}: {self.amount} {self.get_unit_display()}"


class OperatorGroup(models.Model):
    """A group of a hub's operators that answers one queue (skill group) and is scheduled as
    one: 普通话组, 企业专席, 夜班组. Its target is what the seat schedule's suggestion (Erlang C
    from the call measures) must reach each hour."""

    hub = models.ForeignKey(OrgUnit, verbose_name=_("中心"), on_delete=models.CASCADE, related_name="operator_groups")
    name = models.CharField(_("名称"), max_length=40)
    # The CTI's queue name the group answers ("" = all of the hub's calls).
    queue = models.CharField(_("队列"), max_length=40, blank=True)
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("成员"), blank=True, related_name="+")
    answer_seconds = models.PositiveSmallIntegerField(_("接听时限（秒）"), default=15)
    service_level = models.PositiveSmallIntegerField(
        _("服务水平目标（%）"), default=80, validators=[MinValueValidator(1), MaxValueValidator(99)]
    )
    connection = models.PositiveSmallIntegerField(
        _("接通率目标（%）"), default=95, validators=[MinValueValidator(1), MaxValueValidator(99)]
    )
    patience_seconds = models.PositiveSmallIntegerField(
        _("来电人平均等待耐心（秒）"), default=60, validators=[MinValueValidator(1)]
    )

    class Meta:
        verbose_name = _("话务组")
        verbose_name_plural = _("话务组")
        ordering = ["hub__path", "name"]
        constraints = [models.UniqueConstraint(fields=["hub", "name"], name="operator_group_unique_name")]

    def __str__(self) -> str:
        return self.name


class DutyShift(models.Model):
    """One person on duty for a unit (the hub or a handling unit). Without times the shift is
    the whole day, as on a non-working day (周末不打烊); with times it is a seat shift, on a
    working day too (08:00–16:00, or 18:00–08:00 across midnight). A shift of an operator
    group plans that group's seats. Orders arriving while a person is on duty outside office
    hours are announced to them (civicdesk.worktime.duty.on_duty_ids)."""

    day = models.DateField(_("日期"), db_index=True)
    unit = models.ForeignKey(OrgUnit, verbose_name=_("单位"), on_delete=models.CASCADE, related_name="duty_shifts")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("值班人员"), on_delete=models.CASCADE, related_name="duty_shifts"
    )
    starts = models.TimeField(_("开始时间"), null=True, blank=True)
    # Not after `starts`: the shift ends the next day (a night shift).
    ends = models.TimeField(_("结束时间"), null=True, blank=True)
    group = models.ForeignKey(
        OperatorGroup,
        verbose_name=_("话务组"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="shifts",
    )
    note = models.CharField(_("备注"), max_length=100, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )

    class Meta:
        verbose_name = _("值班安排")
        verbose_name_plural = _("值班安排")
        ordering = ["day", "unit__path", "pk"]
        constraints = [models.UniqueConstraint(fields=["day", "unit", "user"], name="duty_unique_person")]

    def __str__(self) -> str:
        return f"{self.day:%Y-%m-%d} {self.hours} {self.unit} {self.user}".replace("  ", " ")

    @property
    def hours(self) -> str:
        """ "08:00–16:00" (or "" for the whole day)."""
        if self.starts is None or self.ends is None:
            return ""
        overnight = _("次日") if self.ends <= self.starts else ""
        return f"{self.starts:%H:%M}–{overnight}{self.ends:%H:%M}"


class DutyGapNotice(models.Model):
    """The worker's advance notice that a unit has no one on duty on a coming day off; the
    unique constraint makes it once per (day, unit), however many workers run the sweep."""

    day = models.DateField()
    unit = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="+")
    noticed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("值班缺口提醒")
        verbose_name_plural = _("值班缺口提醒")
        constraints = [models.UniqueConstraint(fields=["day", "unit"], name="duty_gap_notice_once")]

    def __str__(self) -> str:
        return f"{self.day:%Y-%m-%d} {self.unit}"


class YearSchedule(models.Model):
    """A year's State Council schedule as an admin entered it (a pasted notice or a table),
    kept as the text it came from. Its presence is what tells the calendar warning that a
    year the chinese-calendar data does not cover has been taken care of."""

    class Source(models.TextChoices):
        NOTICE = "notice", _("国务院通知")
        TABLE = "table", _("表格导入")
        DAYS = "days", _("逐日录入")

    year = models.PositiveSmallIntegerField(_("年份"), unique=True)
    source = models.CharField(_("来源"), max_length=10, choices=Source.choices)
    text = models.TextField(_("原文"), blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, editable=False
    )
    entered_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("年度节假日安排")
        verbose_name_plural = _("年度节假日安排")
        ordering = ["year"]

    def __str__(self) -> str:
        return f"{self.year} {self.get_source_display()}"
