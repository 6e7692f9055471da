"""Upstream platforms (民心网, a provincial 12345 platform, 国务院"互联网+督查", or another
CivicDesk installation above this one), as configured data: how their orders arrive, where
our results go back, and their status codes for our moves."""

from __future__ import annotations

import secrets

from django.db import models
from django.utils.translation import gettext_lazy as _

from civicdesk.org.models import Membership, OrgUnit, Role, User


class Arrival(models.TextChoices):
    PUSH = "push", _("对方调用本系统接口推送")
    PULL = "pull", _("本系统定时从对方接口拉取")


# The moves an upstream platform may want to hear of, by the name they have in a report
# ("kind"), with the status code our reference configuration uses for each. A platform
# hears of the kinds its `status_codes` names, nothing else.
KINDS: dict[str, str] = {
    "accepted": "10",  # 受理
    "signed": "20",  # 承办单位签收
    "returned": "30",  # 退回（附理由）
    "extension_asked": "40",  # 申请延期
    "replied": "50",  # 办理答复（中心审核通过）
    "called_back": "60",  # 回访不满意，重办
    "closed": "70",  # 办结
    "withdrawn": "80",  # 来电人撤销
}


def default_status_codes() -> dict[str, str]:
    return dict(KINDS)


def default_field_names() -> dict[str, str]:
    return {}


def _token() -> str:
    return secrets.token_urlsafe(24)


class UpstreamPlatform(models.Model):
    code = models.SlugField(
        _("平台代码"), max_length=40, unique=True, help_text=_("与工单的“上级平台”一致，如 minxin。")
    )
    name = models.CharField(_("平台名称"), max_length=100)
    # The hub that takes its orders in (and whose margin caps our deadlines).
    hub = models.ForeignKey(OrgUnit, verbose_name=_("受理中心"), on_delete=models.PROTECT, related_name="+")
    arrival = models.CharField(_("来单方式"), max_length=10, choices=Arrival.choices, default=Arrival.PUSH)
    pull_url = models.URLField(_("拉取地址"), blank=True, help_text=_("拉取方式时，对方列出新工单的接口地址。"))
    # What the platform sends to push orders to us (header X-Upstream-Token), and what we send
    # with our reports (in `auth_header`).
    inbound_token = models.CharField(_("对方调用本系统的令牌"), max_length=64, default=_token)
    report_url = models.URLField(_("回报地址"), blank=True, help_text=_("办理进度回报给对方的接口地址；空则不回报。"))
    auth_header = models.CharField(_("回报认证头"), max_length=60, default="Authorization")
    auth_value = models.CharField(_("回报认证值"), max_length=255, blank=True)
    idempotency_header = models.CharField(_("幂等键请求头"), max_length=60, default="Idempotency-Key")
    status_codes = models.JSONField(
        _("状态码对照"),
        default=default_status_codes,
        help_text=_('本系统环节 → 对方状态码，如 {"accepted": "10", "closed": "70"}；未列出的环节不回报。'),
    )
    field_names = models.JSONField(
        _("字段名对照"),
        default=default_field_names,
        blank=True,
        help_text=_('回报报文的字段改名，如 {"upstream_id": "caseNo"}。'),
    )
    ok_field = models.CharField(
        _("成功标志"),
        max_length=60,
        blank=True,
        help_text=_("对方应答中表示成功的字段，如 code=0；空则以 HTTP 2xx 为准。"),
    )
    margin_hours = models.PositiveIntegerField(
        _("时限余量（小时）"), default=24, help_text=_("承办单位的办理时限比对方时限提前这么多小时，留作审核和回报。")
    )
    timeout_seconds = models.PositiveSmallIntegerField(_("超时（秒）"), default=10)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("上级平台")
        verbose_name_plural = _("上级平台")

    def __str__(self) -> str:
        return self.name

    def code_for(self, kind: str) -> str | None:
        value = (self.status_codes or {}).get(kind)
        return None if value is None else str(value)

    def service_user(self) -> User:
        """The account the platform's orders are taken in by (never a person)."""
        user, _created = User.objects.get_or_create(
            username=f"upstream-{self.code}",
            defaults={"display_name": str(self.name), "is_service": True},
        )
        Membership.objects.get_or_create(user=user, unit=self.hub, role=Role.OPERATOR)
        user.forget_memberships()
        return user


def default_kind_of_status() -> dict[str, str]:
    return {code: kind for kind, code in KINDS.items()}


class RemoteHub(models.Model):
    """A hub below ours that runs its own CivicDesk (a county center on its own installation).
    We are that system's upstream platform: an order handed down to `unit` is pushed to its
    door for us (POST {base_url}/upstream/{platform_code}/orders/, with the token it gave us),
    and its moves come back to ours (POST /upstream/hubs/{unit code}/reports/, with
    `report_token`), each recorded once on the order's timeline."""

    unit = models.OneToOneField(
        OrgUnit,
        verbose_name=_("下级中心"),
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"is_hub": True, "remote": True},
        help_text=_("本系统组织架构中代表对方中心的单位（须为中心，并勾选“另一套系统的中心”）。"),
    )
    base_url = models.URLField(_("对方系统地址"), help_text=_("如 https://12345.county.gov.cn（不含路径）。"))
    platform_code = models.SlugField(
        _("对方配置的平台代码"), max_length=40, help_text=_("对方把本系统登记为上级平台时使用的代码。")
    )
    api_key = models.CharField(
        _("对方给本系统的令牌"), max_length=255, help_text=_("对方上级平台配置中的“对方调用本系统的令牌”。")
    )
    # What the remote system sends with its reports: its platform's 回报认证值 is "Bearer <this>".
    report_token = models.CharField(_("对方回报时携带的令牌"), max_length=64, default=_token)
    kind_of_status = models.JSONField(
        _("状态码对照"),
        default=default_kind_of_status,
        help_text=_('对方状态码 → 本系统环节，如 {"50": "replied"}；对方报文带 kind 时以 kind 为准。'),
    )
    timeout_seconds = models.PositiveSmallIntegerField(_("超时（秒）"), default=10)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("下级系统（远程中心）")
        verbose_name_plural = _("下级系统（远程中心）")

    def __str__(self) -> str:
        return str(self.unit)

    @property
    def address(self) -> str:
        """The outbox address of what goes to this system (civicdesk.upstream.adapter)."""
        return f"{HUB_ADDRESS}{self.unit.code}"

    def url(self, door: str) -> str:
        return f"{self.base_url.rstrip('/')}/upstream/{self.platform_code}/{door}/"

    def kind(self, body: dict[str, object]) -> str:
        kind = str(body.get("kind") or "")
        if kind:
            return kind
        return str((self.kind_of_status or {}).get(str(body.get("status") or ""), ""))


# Outbox addresses of messages to a remote hub's system, as opposed to a platform's code.
HUB_ADDRESS = "hub:"
