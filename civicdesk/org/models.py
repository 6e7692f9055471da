"""The organisation: units in a tree, people, and which role each person holds in which unit."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cached_property

from django.contrib.auth.models import AbstractUser
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    OPERATOR = "operator", _("话务员")
    DISPATCHER = "dispatcher", _("派单员")
    HANDLER = "handler", _("承办人")
    UNIT_HEAD = "unit_head", _("单位负责人")
    CALLBACK_AGENT = "callback_agent", _("回访员")
    SUPERVISOR = "supervisor", _("督办员")
    LEADER = "leader", _("领导")
    LIAISON = "liaison", _("驻企员")
    # 质检员: scores sampled calls and decides operators' appeals (civicdesk.quality).
    INSPECTOR = "inspector", _("质检员")
    ADMIN = "admin", _("管理员")


class UnitKind(models.TextChoices):
    CENTER = "center", _("服务中心")
    DEPARTMENT = "department", _("部门")
    TOWN = "town", _("镇街")
    OFFICE = "office", _("科室")
    VILLAGE = "village", _("村居")
    ENTERPRISE = "enterprise", _("企业")
    OTHER = "other", _("其他")


class OrgUnit(models.Model):
    """A unit of the organisation. Any unit flagged as hub runs dispatch for its subtree."""

    name = models.CharField(_("名称"), max_length=100)
    code = models.CharField(_("编码"), max_length=40, unique=True)
    kind = models.CharField(_("类型"), max_length=20, choices=UnitKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    is_hub = models.BooleanField(_("是枢纽（派单中心）"), default=False)
    # A hub that runs its own CivicDesk (a county center on its own installation): orders
    # handed down to it go to that system through its API (civicdesk.upstream.RemoteHub),
    # its progress comes back from there; nobody here dispatches for it.
    remote = models.BooleanField(
        _("另一套系统的中心"), default=False, help_text=_("该中心使用自己的系统，下转的工单经接口送达。")
    )
    # Materialised path "/1/4/17/" so that "this unit and everything under it" is one
    # indexed prefix query instead of a recursive walk.
    path = models.CharField(max_length=255, editable=False, db_index=True, default="")
    phone = models.CharField(_("联系电话"), max_length=40, blank=True)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("单位")
        verbose_name_plural = _("单位")
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        if self.parent_id is not None and self.parent_id == self.pk:
            raise ValueError("a unit cannot be its own parent")
        # One transaction: nobody sees a unit without its path, and the processes' copies of
        # the tree are renewed when all of it is committed (civicdesk.org.tree).
        with transaction.atomic():
            super().save(*args, **kwargs)  # type: ignore[arg-type]
            expected = f"{self.parent.path if self.parent else '/'}{self.pk}/"
            if self.path != expected:
                old = self.path
                self.path = expected
                OrgUnit.objects.filter(pk=self.pk).update(path=expected)
                if old:
                    # Moving a unit moves its subtree: rewrite the descendants' prefixes.
                    for child in OrgUnit.objects.filter(path__startswith=old).exclude(pk=self.pk):
                        OrgUnit.objects.filter(pk=child.pk).update(path=expected + child.path[len(old) :])

    def subtree(self) -> models.QuerySet[OrgUnit]:
        return OrgUnit.objects.filter(path__startswith=self.path)

    # The ids below a unit, from the process's copy of the tree (no query), once per instance.
    # Queues name units and hubs by id (literal lists the indexes can use,
    # civicdesk.orders.queues); the instances a person's memberships hold live for one request
    # (User.forget_memberships drops them).
    @cached_property
    def subtree_ids(self) -> list[int]:
        """Ids of this unit and every unit below it."""
        # Imported here: the tree module reads this model.
        from civicdesk.org.tree import unit_tree

        return unit_tree().subtree_ids(self)

    @cached_property
    def hub_ids(self) -> list[int]:
        """Ids of the hubs at or below this unit."""
        # Imported here: the tree module reads this model.
        from civicdesk.org.tree import unit_tree

        return unit_tree().hub_ids(self)

    def ancestors(self) -> list[OrgUnit]:
        ids = [int(p) for p in self.path.strip("/").split("/") if p][:-1]
        by_id = OrgUnit.objects.in_bulk(ids)
        return [by_id[i] for i in ids if i in by_id]

    def is_within(self, other: OrgUnit) -> bool:
        return self.path.startswith(other.path)

    def hub(self) -> OrgUnit | None:
        """The nearest hub at or above this unit."""
        if self.is_hub:
            return self
        for unit in reversed(self.ancestors()):
            if unit.is_hub:
                return unit
        return None


def dispatch_targets(hubs: Iterable[OrgUnit], *, lead: bool = True) -> models.QuerySet[OrgUnit]:
    """The units `hubs` dispatch to, for a picker: every active unit below them, except those
    that sit under a hub below them — that hub runs dispatch for its own subtree (DESIGN §2), so
    the order goes down to it (下转) and the lower hub itself is offered instead. `lead`: for a
    lead unit (a lower hub may be chosen: dispatching to it hands the order down); otherwise
    (assisting, convened, a unit to dispatch straight to after a return) no hub at all."""
    own = {hub.pk: hub.path for hub in hubs}
    if not own:
        return OrgUnit.objects.none()
    within = models.Q()
    for path in own.values():
        within |= models.Q(path__startswith=path)
    hub_at = dict(OrgUnit.objects.filter(within, is_hub=True).values_list("path", "pk"))
    wanted = []
    for pk, path, is_hub in OrgUnit.objects.filter(within, active=True).values_list("pk", "path", "is_hub"):
        if pk in own or (is_hub and not lead):
            continue
        # The nearest hub above the unit decides who dispatches to it.
        nearest = max((p for p in hub_at if path.startswith(p) and p != path), key=len)
        if hub_at[nearest] in own:
            wanted.append(pk)
    return OrgUnit.objects.filter(pk__in=wanted).order_by("path")


class CallbackBy(models.TextChoices):
    UPPER = "upper", _("上级中心回访")
    LOWER = "lower", _("下级中心回访")


class HubLink(models.Model):
    """How an upper hub and a hub below it work together on the orders handed down
    (civicdesk.orders.actions.dispatching.hand_down). Without a row, the defaults below hold.

    Exactly one of the two calls the citizen back: one choice field, so never both, never neither."""

    upper = models.ForeignKey(OrgUnit, verbose_name=_("上级中心"), on_delete=models.CASCADE, related_name="links_down")
    lower = models.ForeignKey(OrgUnit, verbose_name=_("下级中心"), on_delete=models.CASCADE, related_name="links_up")
    callback_by = models.CharField(_("回访由"), max_length=10, choices=CallbackBy.choices, default=CallbackBy.LOWER)

    class Meta:
        verbose_name = _("上下级中心协作")
        verbose_name_plural = _("上下级中心协作")
        constraints = [models.UniqueConstraint(fields=["upper", "lower"], name="hublink_unique_pair")]

    def __str__(self) -> str:
        return f"{self.upper} → {self.lower}"

    def clean(self) -> None:
        # Imported here: django.core.exceptions is only needed for the admin's validation.
        from django.core.exceptions import ValidationError

        if self.upper_id and self.lower_id:
            if not (self.upper.is_hub and self.lower.is_hub):
                raise ValidationError(_("上下级都必须是枢纽（派单中心）。"))
            if self.lower.pk == self.upper.pk or not self.lower.is_within(self.upper):
                raise ValidationError(_("下级中心必须在上级中心之下。"))

    @staticmethod
    def callback_by_upper(upper: OrgUnit, lower: OrgUnit) -> bool:
        link = HubLink.objects.filter(upper=upper, lower=lower).only("callback_by").first()
        return link is not None and link.callback_by == CallbackBy.UPPER


class User(AbstractUser):
    display_name = models.CharField(_("姓名"), max_length=50, blank=True)
    phone = models.CharField(_("手机号"), max_length=20, blank=True)
    # An account through which a system acts (an Open311 client, the citizen portal), never a
    # person: it holds a role so that its moves are allowed, but it never counts as staff —
    # not for choosing a staffed hub, not as a recipient, not as someone to hand work to.
    is_service = models.BooleanField(_("服务账号"), default=False)
    # Set when an administrator resets the password: the person must choose their own at the
    # next sign-in before any other page opens (civicdesk.console.middleware).
    must_change_password = models.BooleanField(_("下次登录须修改密码"), default=False)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.display_name or self.username

    @cached_property
    def memberships_list(self) -> list[Membership]:
        return list(self.memberships.select_related("unit").filter(unit__active=True))

    @property
    def roles(self) -> set[str]:
        return {m.role for m in self.memberships_list}

    def has_role(self, role: str) -> bool:
        return role in self.roles

    def units_with_role(self, *roles: str) -> list[OrgUnit]:
        return [m.unit for m in self.memberships_list if m.role in roles]

    def forget_memberships(self) -> None:
        """Drop the cached memberships after they changed in the same request or test."""
        self.__dict__.pop("memberships_list", None)


class Membership(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    unit = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices)

    class Meta:
        verbose_name = _("任职")
        verbose_name_plural = _("任职")
        constraints = [models.UniqueConstraint(fields=["user", "unit", "role"], name="membership_unique_role")]
        indexes = [models.Index(fields=["unit", "role"])]

    def __str__(self) -> str:
        return f"{self.user} · {self.unit} · {self.get_role_display()}"
