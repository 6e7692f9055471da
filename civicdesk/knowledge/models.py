"""Knowledge articles with their append-only versions, admin synonyms and user-dictionary words."""

from __future__ import annotations

import re
from datetime import date

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ArticleStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    IN_REVIEW = "in_review", _("待审核")
    PUBLISHED = "published", _("已发布")
    EXPIRED = "expired", _("已失效")


class Article(models.Model):
    """A vetted answer to recurring questions. Edited only through civicdesk.knowledge.actions,
    which write a new ArticleVersion for every change."""

    title = models.CharField(_("标题"), max_length=200)
    # One phrasing a line: the ways citizens ask the question this article answers.
    questions = models.TextField(_("适用问题"), blank=True)
    answer = models.TextField(_("答复口径"))
    category = models.ForeignKey(
        "catalogue.Category",
        verbose_name=_("诉求分类"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="articles",
    )
    owner_unit = models.ForeignKey(
        "org.OrgUnit",
        verbose_name=_("责任单位"),
        on_delete=models.PROTECT,
        related_name="articles",
    )
    # One policy document a line (name, number, link).
    sources = models.TextField(_("政策依据"), blank=True)
    valid_from = models.DateField(_("生效日期"), null=True, blank=True)
    valid_to = models.DateField(_("失效日期"), null=True, blank=True)
    review_due = models.DateField(_("下次复核日期"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=20, choices=ArticleStatus.choices, default=ArticleStatus.DRAFT)
    version = models.PositiveIntegerField(_("版本"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"))
    updated_at = models.DateTimeField(_("更新时间"))
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    # The closed order this article was drafted from (reply → article), if any.
    source_order = models.ForeignKey(
        "orders.WorkOrder",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Segmented text (space-separated jieba words and character bigrams), written by the app on
    # every save: PostgreSQL indexes it with to_tsvector('simple', …), SQLite mirrors it into FTS5.
    seg_title = models.TextField(default="", editable=False)
    seg_questions = models.TextField(default="", editable=False)
    seg_answer = models.TextField(default="", editable=False)

    class Meta:
        verbose_name = _("知识条目")
        verbose_name_plural = _("知识条目")
        ordering = ["-updated_at"]
        indexes = [models.Index(fields=["status", "valid_to"]), models.Index(fields=["review_due"])]

    def __str__(self) -> str:
        return self.title

    def question_list(self) -> list[str]:
        return [q.strip() for q in self.questions.splitlines() if q.strip()]

    def source_list(self) -> list[str]:
        return [s.strip() for s in self.sources.splitlines() if s.strip()]

    def is_expired(self, today: date) -> bool:
        return self.status == ArticleStatus.EXPIRED or (self.valid_to is not None and self.valid_to < today)

    def is_review_overdue(self, today: date) -> bool:
        return self.review_due is not None and self.review_due < today

    def is_not_yet_valid(self, today: date) -> bool:
        return self.valid_from is not None and self.valid_from > today

    def is_citizen_visible(self, today: date) -> bool:
        return (
            self.status == ArticleStatus.PUBLISHED
            and not self.is_expired(today)
            and not self.is_review_overdue(today)
            and not self.is_not_yet_valid(today)
        )


VERSION_ACTIONS = {
    "create": _("起草"),
    "edit": _("修改"),
    "submit": _("提交审核"),
    "publish": _("发布"),
    "send_back": _("退回修改"),
    "withdraw": _("下架"),
    "confirm_review": _("确认复核"),
    "expire": _("到期失效"),
    "import": _("导入"),
}


class ArticleVersion(models.Model):
    """One state of an article, written by every action; never updated or deleted."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("版本号"))
    action = models.CharField(_("操作"), max_length=30)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(_("时间"))
    note = models.TextField(_("说明"), blank=True)
    title = models.CharField(_("标题"), max_length=200)
    questions = models.TextField(_("适用问题"), blank=True)
    answer = models.TextField(_("答复口径"))
    category_id_at = models.IntegerField(null=True, blank=True)
    owner_unit_id_at = models.IntegerField(null=True, blank=True)
    sources = models.TextField(_("政策依据"), blank=True)
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    review_due = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=ArticleStatus.choices)

    class Meta:
        verbose_name = _("知识条目版本")
        verbose_name_plural = _("知识条目版本")
        ordering = ["article", "-number"]
        constraints = [models.UniqueConstraint(fields=["article", "number"], name="article_version_unique")]

    def __str__(self) -> str:
        return f"{self.article_id} v{self.number}"

    @property
    def action_label(self) -> str:
        return str(VERSION_ACTIONS.get(self.action, self.action))


class SynonymGroup(models.Model):
    """Terms that mean the same in a query (e.g. 公积金, 住房公积金), edited by admins."""

    terms = models.CharField(_("同义词"), max_length=500, help_text=_("用逗号分隔，例如：公积金，住房公积金"))
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("同义词组")
        verbose_name_plural = _("同义词组")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.terms

    def term_list(self) -> list[str]:
        return [t.strip() for t in re.split(r"[,，、\s]+", self.terms) if t.strip()]


class DictionaryWord(models.Model):
    """A local place or policy name jieba must keep whole (admin-entered; areas are added automatically)."""

    word = models.CharField(_("词语"), max_length=50, unique=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("自定义词")
        verbose_name_plural = _("自定义词")
        ordering = ["word"]

    def __str__(self) -> str:
        return self.word


class SearchIndexState(models.Model):
    """One row: counters that move whenever the stored search index or the dictionary change,
    so that every process knows when its cached ranking statistics or analyzer are stale."""

    # Set when the row is created: caches keyed on it die with a rolled-back or rebuilt database.
    epoch = models.CharField(max_length=32, default="")
    articles = models.PositiveBigIntegerField(default=0)
    dictionary = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = _("检索索引状态")
        verbose_name_plural = _("检索索引状态")

    def __str__(self) -> str:
        return f"{self.epoch}:{self.articles}/{self.dictionary}"
