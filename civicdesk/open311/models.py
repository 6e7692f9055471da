"""Open311 GeoReport v2: the API clients allowed to submit requests, the extra questions a
service asks (its attributes), and what each submission carried beyond the order itself."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civicdesk.catalogue.models import Category
from civicdesk.orders.models import WorkOrder
from civicdesk.org.models import OrgUnit


class ApiClient(models.Model):
    """One application allowed to POST requests. Its key is shown once and only its hash is
    kept; the prefix finds the row without scanning every hash."""

    name = models.CharField(_("名称"), max_length=100, unique=True)
    key_prefix = models.CharField(max_length=16, unique=True)
    key_hash = models.CharField(max_length=64)
    # The service account that becomes the first-contact owner of the client's orders.
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="open311_client")
    hub = models.ForeignKey(OrgUnit, verbose_name=_("受理中心"), on_delete=models.PROTECT, related_name="+")
    rate_per_minute = models.PositiveIntegerField(_("每分钟提交上限"), default=30)
    active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("Open311 接口客户端")
        verbose_name_plural = _("Open311 接口客户端")

    def __str__(self) -> str:
        return self.name


class Datatype(models.TextChoices):
    STRING = "string", _("短文本")
    NUMBER = "number", _("数字")
    DATETIME = "datetime", _("日期时间")
    TEXT = "text", _("长文本")
    SINGLE = "singlevaluelist", _("单选")
    MULTI = "multivaluelist", _("多选")


LIST_TYPES = (Datatype.SINGLE, Datatype.MULTI)


class ServiceAttribute(models.Model):
    """One extra question of a service (a leaf category), as GET services/{code} lists it."""

    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="open311_attributes")
    code = models.CharField(_("编码"), max_length=40)
    datatype = models.CharField(_("类型"), max_length=20, choices=Datatype.choices)
    required = models.BooleanField(_("必填"), default=False)
    # False: shown to the user as information only; no answer is expected.
    variable = models.BooleanField(_("需要填写"), default=True)
    description = models.CharField(_("问题"), max_length=255)
    datatype_description = models.CharField(_("填写说明"), max_length=255, blank=True)
    order = models.PositiveSmallIntegerField(_("顺序"), default=1)
    # For the list types: [{"key": "...", "name": "..."}, ...].
    values = models.JSONField(_("选项"), default=list, blank=True)

    class Meta:
        verbose_name = _("服务属性")
        verbose_name_plural = _("服务属性")
        ordering = ["category", "order", "code"]
        constraints = [models.UniqueConstraint(fields=["category", "code"], name="open311_attribute_unique_code")]

    def __str__(self) -> str:
        return f"{self.category.code}/{self.code}"

    def keys(self) -> dict[str, str]:
        return {str(v.get("key")): str(v.get("name", "")) for v in self.values or [] if isinstance(v, dict)}


class Submission(models.Model):
    """What a POST carried that the order has no column for. The contact fields are for the
    hub's eyes only and are never published."""

    order = models.OneToOneField(WorkOrder, on_delete=models.CASCADE, related_name="open311_submission")
    client = models.ForeignKey(ApiClient, on_delete=models.PROTECT, related_name="submissions")
    attributes = models.JSONField(default=dict, blank=True)
    media_url = models.URLField(max_length=500, blank=True)
    email = models.EmailField(blank=True)
    device_id = models.CharField(max_length=100, blank=True)
    account_id = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("Open311 提交记录")
        verbose_name_plural = _("Open311 提交记录")
        indexes = [models.Index(fields=["client", "created_at"], name="open311_submission_rate")]

    def __str__(self) -> str:
        return f"{self.client} → {self.order_id}"
