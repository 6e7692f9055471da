"""The enterprise register (企业库): companies that file requests (涉企诉求), identified by
their unified social credit code (GB 32100-2015, see :mod:`civicdesk.lib.creditcode`)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civicdesk.catalogue.models import Area
from civicdesk.enterprises.validators import normalise_phone, phone_problem
from civicdesk.lib import creditcode
from civicdesk.org.models import OrgUnit


class Industry(models.TextChoices):
    """The 20 sections (门类) of GB/T 4754-2017 国民经济行业分类."""

    A = "A", _("农、林、牧、渔业")
    B = "B", _("采矿业")
    C = "C", _("制造业")
    D = "D", _("电力、热力、燃气及水生产和供应业")
    E = "E", _("建筑业")
    F = "F", _("批发和零售业")
    G = "G", _("交通运输、仓储和邮政业")
    H = "H", _("住宿和餐饮业")
    I = "I", _("信息传输、软件和信息技术服务业")  # noqa: E741 — the standard's own letter
    J = "J", _("金融业")
    K = "K", _("房地产业")
    L = "L", _("租赁和商务服务业")
    M = "M", _("科学研究和技术服务业")
    N = "N", _("水利、环境和公共设施管理业")
    O = "O", _("居民服务、修理和其他服务业")  # noqa: E741
    P = "P", _("教育")
    Q = "Q", _("卫生和社会工作")
    R = "R", _("文化、体育和娱乐业")
    S = "S", _("公共管理、社会保障和社会组织")
    T = "T", _("国际组织")


class EnterpriseSize(models.TextChoices):
    """统计上大中小微型企业划分办法."""

    MICRO = "micro", _("微型")
    SMALL = "small", _("小型")
    MEDIUM = "medium", _("中型")
    LARGE = "large", _("大型")


class Enterprise(models.Model):
    name = models.CharField(_("企业名称"), max_length=200)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, unique=True)
    address = models.CharField(_("地址"), max_length=255, blank=True)
    area = models.ForeignKey(
        Area,
        verbose_name=_("所在区域"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="enterprises",
    )
    industry = models.CharField(_("行业门类"), max_length=1, choices=Industry.choices, blank=True)
    size = models.CharField(_("企业规模"), max_length=10, choices=EnterpriseSize.choices, blank=True)
    contact_name = models.CharField(_("联系人"), max_length=50, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    contact_email = models.EmailField(_("联系邮箱"), blank=True)
    # What support measures ask about a company (civicdesk.policies.matching); empty means
    # unknown, and a measure that asks about it is shown as "to be confirmed", never refused.
    founded_on = models.DateField(_("成立日期"), null=True, blank=True)
    employees = models.PositiveIntegerField(_("从业人数"), null=True, blank=True)
    annual_tax = models.DecimalField(_("上年纳税额（万元）"), max_digits=12, decimal_places=2, null=True, blank=True)
    active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("企业")
        verbose_name_plural = _("企业")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        # The unique key is compared as normalised text, wherever the row comes from.
        self.credit_code = creditcode.normalise(self.credit_code)
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def clean_fields(self, exclude: Collection[str] | None = None) -> None:
        # Normalise first, so that " 9144 0300…" or "(0631) 1234567" are judged as what is
        # stored; the credit code is checked as a whole in clean(), with its reason.
        self.name = (self.name or "").strip()
        self.credit_code = creditcode.normalise(self.credit_code)
        self.contact_phone = normalise_phone(self.contact_phone)
        super().clean_fields(exclude={*(exclude or ()), "credit_code"})

    def clean(self) -> None:
        errors: dict[str, ValidationError] = {}
        verdict = creditcode.validate(self.credit_code)
        self.credit_code = verdict.code
        if not verdict.ok:
            # The error's code is the reason: empty, length, character, division, org_check, check_digit.
            errors["credit_code"] = ValidationError(verdict.message, code=str(verdict.reason))
        self.contact_phone = normalise_phone(self.contact_phone)
        problem = phone_problem(self.contact_phone)
        if problem:
            errors["contact_phone"] = ValidationError(problem, code="phone")
        if errors:
            raise ValidationError(errors)


class LiaisonAssignmentQuerySet(models.QuerySet["LiaisonAssignment"]):
    def current(self, day: date | None = None) -> LiaisonAssignmentQuerySet:
        """Assignments in force on `day` (today by default): started, not yet ended."""
        day = day or timezone.localdate()
        return self.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day), starts_on__lte=day)


class LiaisonAssignment(models.Model):
    """A liaison officer (驻企员) stationed at an enterprise for a period."""

    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("驻企员"),
        on_delete=models.CASCADE,
        related_name="liaison_assignments",
    )
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("企业"), on_delete=models.CASCADE, related_name="liaisons"
    )
    starts_on = models.DateField(_("开始日期"), default=timezone.localdate)
    ends_on = models.DateField(_("结束日期"), null=True, blank=True)

    objects = LiaisonAssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("驻企安排")
        verbose_name_plural = _("驻企安排")
        constraints = [
            models.UniqueConstraint(fields=["officer", "enterprise", "starts_on"], name="liaison_unique_start"),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")), name="liaison_period_order"
            ),
        ]
        indexes = [models.Index(fields=["officer", "enterprise"], name="liaison_officer")]

    def __str__(self) -> str:
        return f"{self.officer} → {self.enterprise}"


class LicenceKind(models.TextChoices):
    BUSINESS = "business", _("营业执照")
    FOOD = "food", _("食品经营许可证")
    FOOD_PRODUCTION = "food_production", _("食品生产许可证")
    DISCHARGE = "discharge", _("排污许可证")
    CONSTRUCTION = "construction", _("建筑业企业资质证书")
    SAFETY = "safety", _("安全生产许可证")
    HAZCHEM = "hazchem", _("危险化学品经营许可证")
    TRANSPORT = "transport", _("道路运输经营许可证")
    HEALTH = "health", _("卫生许可证")
    FIRE = "fire", _("消防安全检查合格证")
    OTHER = "other", _("其他证照")


class Licence(models.Model):
    """A licence or certificate an enterprise holds, issued by a unit of the organisation."""

    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("企业"), on_delete=models.CASCADE, related_name="licences"
    )
    kind = models.CharField(_("证照类型"), max_length=20, choices=LicenceKind.choices)
    number = models.CharField(_("证照编号"), max_length=60)
    issuing_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("发证单位"), on_delete=models.PROTECT, related_name="issued_licences"
    )
    valid_from = models.DateField(_("有效期自"))
    valid_to = models.DateField(_("有效期至"), db_index=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("证照")
        verbose_name_plural = _("证照")
        ordering = ["valid_to", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "number"], name="licence_unique_number"),
            models.CheckConstraint(condition=Q(valid_to__gte=models.F("valid_from")), name="licence_period_order"),
        ]
        indexes = [models.Index(fields=["issuing_unit", "valid_to"], name="licence_unit_expiry")]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.get_kind_display()} {self.number}"

    def clean(self) -> None:
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            raise ValidationError({"valid_to": _("有效期至不能早于有效期自。")})


class LicenceRenewal(models.Model):
    """A renewal (换证/延续): the licence's validity moved on. Reminders of the old expiry stop."""

    licence = models.ForeignKey(Licence, on_delete=models.CASCADE, related_name="renewals")
    renewed_at = models.DateTimeField(_("换证时间"), default=timezone.now)
    old_valid_to = models.DateField(_("原有效期至"))
    new_valid_to = models.DateField(_("新有效期至"))
    renewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("换证记录")
        verbose_name_plural = _("换证记录")
        ordering = ["-renewed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.licence} {self.old_valid_to} → {self.new_valid_to}"


class LicenceReminder(models.Model):
    """One reminder of one expiry at one offset. The unique constraint makes it happen
    exactly once, however many workers run the sweep at once."""

    licence = models.ForeignKey(Licence, on_delete=models.CASCADE, related_name="reminders")
    offset_days = models.PositiveSmallIntegerField(_("提前天数"))
    valid_to = models.DateField(_("到期日"))
    # The working day it was due to go out (the nominal day, or the working day before it).
    send_on = models.DateField(_("发送日"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("到期提醒")
        verbose_name_plural = _("到期提醒")
        ordering = ["-created_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["licence", "offset_days", "valid_to"], name="reminder_once")]

    def __str__(self) -> str:
        return f"{self.licence} −{self.offset_days}d ({self.valid_to})"


class ReminderMessage(models.Model):
    """Which outbox message (SMS or e-mail to one recipient) a reminder sent. The message
    itself, and its delivery result, is the notifications.OutboxMessage."""

    reminder = models.ForeignKey(LicenceReminder, on_delete=models.CASCADE, related_name="messages")
    recipient = models.CharField(_("接收人"), max_length=100)
    message = models.OneToOneField(
        "notifications.OutboxMessage", on_delete=models.CASCADE, related_name="licence_reminder"
    )

    class Meta:
        verbose_name = _("提醒消息")
        verbose_name_plural = _("提醒消息")

    def __str__(self) -> str:
        return f"{self.recipient} → {self.message_id}"
