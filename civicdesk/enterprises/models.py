"""The enterprise register (企业库): companies that file requests (涉企诉求), identified by
their unified social credit code (GB 32100-2015, see :mod:`civicdesk.lib.creditcode`)."""

from __future__ import annotations

from collections.abc import Collection

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from civicdesk.catalogue.models import Area
from civicdesk.enterprises.validators import normalise_phone, phone_problem
from civicdesk.lib import creditcode


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
        Area, verbose_name=_("所在区域"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="enterprises",
    )
    industry = models.CharField(_("行业门类"), max_length=1, choices=Industry.choices, blank=True)
    size = models.CharField(_("企业规模"), max_length=10, choices=EnterpriseSize.choices, blank=True)
    contact_name = models.CharField(_("联系人"), max_length=50, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=20, blank=True)
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
