"""Reference data every order refers to: categories, areas, special topics and the
dispatch catalogue that maps category (and area) to the responsible unit."""

from __future__ import annotations

import time

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Coalesce
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from civicdesk.lib.listversion import list_token
from civicdesk.org.models import OrgUnit

# The list whose token (lib.listversion) every save and delete of a category, an area or a
# topic replaces: the board keeps its catalogue pickers' HTML under it (orders.board_forms), and
# each process its map of the trees' parents (TreeNode.lineage_ids).
CATALOGUE = "catalogue"


class RequestType(models.TextChoices):
    ENQUIRY = "enquiry", _("咨询")
    HELP = "help", _("求助")
    COMPLAINT = "complaint", _("投诉")
    REPORT = "report", _("举报")
    SUGGESTION = "suggestion", _("建议")
    PRAISE = "praise", _("表扬")


class Urgency(models.TextChoices):
    NORMAL = "normal", _("一般")
    URGENT = "urgent", _("紧急")
    EMERGENCY = "emergency", _("特急")


class Channel(models.TextChoices):
    PHONE = "phone", _("12345热线电话")
    WEB = "web", _("网站")
    API = "api", _("接口/Open311")
    PROVINCIAL = "provincial", _("民心网")
    UPSTREAM = "upstream", _("上级热线转办")
    LETTER = "letter", _("来信")
    WECHAT = "wechat", _("微信")
    EMAIL = "email", _("电子邮件")
    LIAISON = "liaison", _("驻企员")
    CHAT = "chat", _("网上一对一")


class TreeNode(models.Model):
    """Shared shape of the small reference trees (categories, areas)."""

    name = models.CharField(_("名称"), max_length=100)
    code = models.CharField(_("编码"), max_length=40, unique=True)
    level = models.PositiveSmallIntegerField(_("层级"), editable=False, default=1)
    active = models.BooleanField(_("启用"), default=True)

    max_depth = 3

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        parent = getattr(self, "parent", None)
        self.level = parent.level + 1 if parent is not None else 1
        if self.level > self.max_depth:
            raise ValidationError(_("最多 %(n)s 级") % {"n": self.max_depth})
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def clean(self) -> None:
        parent = getattr(self, "parent", None)
        if parent is not None and parent.level >= self.max_depth:
            raise ValidationError(_("最多 %(n)s 级") % {"n": self.max_depth})

    def lineage(self) -> list[TreeNode]:
        """This node and its ancestors, nearest first."""
        chain: list[TreeNode] = []
        node: TreeNode | None = self
        while node is not None:
            chain.append(node)
            node = getattr(node, "parent", None)
        return chain

    def lineage_ids(self) -> tuple[int, ...]:
        """Ids of this node and its ancestors, nearest first, from a per-process map of the
        tree: deadlines and routing ask for it on every move, the tree changes rarely."""
        parents = _parent_map(type(self))
        ids: list[int] = []
        node_id: int | None = self.pk
        while node_id is not None and len(ids) <= self.max_depth:
            ids.append(node_id)
            node_id = parents.get(node_id)
        return tuple(ids)


# model -> (the catalogue's token when read, when it was last compared, pk -> parent pk).
_parent_maps: dict[type, tuple[str, float, dict[int, int | None]]] = {}
# A change made by another process (the admin on another app server) is seen within this many
# seconds: the shared token is a file read, cheap on a page but not on each of the thousands of
# moves a bulk replay makes a second.
_COMPARE_EVERY = 1.0


def _parent_map(model: type) -> dict[int, int | None]:
    cached = _parent_maps.get(model)
    now = time.monotonic()
    if cached is not None and now - cached[1] < _COMPARE_EVERY:
        return cached[2]
    token = list_token(CATALOGUE)  # before the rows it labels (lib.listversion)
    if cached is not None and cached[0] == token:
        _parent_maps[model] = (token, now, cached[2])
        return cached[2]
    parents = dict(model._default_manager.values_list("pk", "parent_id"))  # type: ignore[attr-defined]
    _parent_maps[model] = (token, now, parents)
    return parents


def forget_trees(**kwargs: object) -> None:
    """Drop this process's parent maps (a change made here; other processes follow the token)."""
    _parent_maps.clear()


class Category(TreeNode):
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级分类"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    description = models.TextField(_("说明"), blank=True)
    # Space-separated words that signal this category; also the cold-start text for routing.
    keywords = models.TextField(_("关键词"), blank=True)

    class Meta:
        verbose_name = _("诉求分类")
        verbose_name_plural = _("诉求分类")
        ordering = ["code"]

    def full_name(self) -> str:
        return " / ".join(node.name for node in reversed(self.lineage()))


def in_tree_order(categories: list[Category]) -> list[Category]:
    """The categories depth first, siblings by code: the order the tree is shown in."""
    children: dict[int | None, list[Category]] = {}
    for category in categories:
        children.setdefault(category.parent_id, []).append(category)
    ordered: list[Category] = []

    def walk(parent: int | None) -> None:
        for node in sorted(children.get(parent, []), key=lambda c: c.code):
            ordered.append(node)
            walk(node.pk)

    walk(None)
    return ordered


class AreaKind(models.TextChoices):
    CITY = "city", _("市")
    TOWN = "town", _("镇街")
    VILLAGE = "village", _("村")
    COMMUNITY = "community", _("社区")


class Area(TreeNode):
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级区域"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    kind = models.CharField(_("类型"), max_length=20, choices=AreaKind.choices)
    aliases = models.CharField(_("别名"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("区域")
        verbose_name_plural = _("区域")
        ordering = ["code"]


class Topic(models.Model):
    """A special topic (专题) that cuts across categories, e.g. 涉疫, 涉企."""

    code = models.SlugField(_("编码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=50, unique=True)
    description = models.TextField(_("说明"), blank=True)
    # Choosing one of these categories (or a category under one) at intake proposes the topic:
    # it is ticked for the operator, who may untick it (疫情防控 → 涉疫).
    categories = models.ManyToManyField(
        Category,
        verbose_name=_("建议此专题的分类（含下级分类）"),
        blank=True,
        related_name="implied_topics",
    )

    class Meta:
        verbose_name = _("专题")
        verbose_name_plural = _("专题")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class DispatchRule(models.Model):
    """One line of the dispatch catalogue (派单目录).

    A rule without category is the fallback owner for what no other rule covers. Rules on a
    parent category apply to its children; a rule with an area applies to that area and the
    areas below it and wins over the same category without area.
    """

    category = models.ForeignKey(
        Category,
        verbose_name=_("分类"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="dispatch_rules",
    )
    area = models.ForeignKey(
        Area,
        verbose_name=_("区域"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="dispatch_rules",
    )
    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("承办单位"), on_delete=models.PROTECT, related_name="dispatch_rules"
    )
    note = models.CharField(_("依据/说明"), max_length=255, blank=True)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("派单目录条目")
        verbose_name_plural = _("派单目录")
        constraints = [
            # Coalesce so that "no category" / "no area" also count as one value each.
            models.UniqueConstraint(
                Coalesce("category", 0), Coalesce("area", 0), name="dispatch_rule_unique_category_area"
            )
        ]

    def __str__(self) -> str:
        what = self.category.full_name() if self.category else _("兜底")
        where = f" @ {self.area}" if self.area else ""
        return f"{what}{where} → {self.unit}"


def rules_pointing_at(unit: OrgUnit) -> str:
    """Why `unit` cannot be deactivated while active dispatch rules name it, or ""."""
    rules = DispatchRule.objects.filter(unit=unit, active=True).count()
    if not rules:
        return ""
    return gettext("派单目录中还有 %(n)s 条规则指向该单位，请先修改派单目录。") % {"n": rules}


class PhraseKind(models.TextChoices):
    BANNED = "banned", _("不文明用语")
    EVASIVE = "evasive", _("推诿敷衍用语")


class ReplyPhrase(models.Model):
    """A phrase a unit's reply must not contain (checked before the hub reviews it,
    civicdesk.text.replycheck). The center's administrators keep the list; the shipped
    default (replycheck.DEFAULT_PHRASES) is loaded by a migration and applies while the
    list is empty."""

    phrase = models.CharField(_("用语"), max_length=50, unique=True)
    kind = models.CharField(_("类别"), max_length=10, choices=PhraseKind.choices)
    active = models.BooleanField(_("启用"), default=True)
    note = models.CharField(_("说明"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("答复禁用语")
        verbose_name_plural = _("答复禁用语")
        ordering = ["kind", "phrase"]

    def __str__(self) -> str:
        return self.phrase

    def clean(self) -> None:
        self.phrase = (self.phrase or "").strip()
        if len(self.phrase) < 2:
            raise ValidationError({"phrase": gettext("用语至少两个字，否则会误伤正常答复。")})
