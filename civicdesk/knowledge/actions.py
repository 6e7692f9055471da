"""Every change of a knowledge article: one atomic function each, taking the acting user.

Units draft (a handler or unit head of the owner unit or a unit above it); the hub whose
subtree holds the owner unit reviews, publishes and withdraws (its dispatchers and admins).
Each call writes one :class:`ArticleVersion` — the full state after the change, who and when —
and refreshes the stored search index in the same transaction.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from civicdesk.catalogue.models import Category
from civicdesk.knowledge import search
from civicdesk.knowledge.models import Article, ArticleStatus, ArticleVersion
from civicdesk.orders import clock
from civicdesk.orders.errors import ConflictError, InvalidInput, InvalidTransition, PermissionDenied
from civicdesk.orders.models import WorkOrder
from civicdesk.orders.permissions import can_view
from civicdesk.orders.workflow import State
from civicdesk.org.models import OrgUnit, Role, User

EDITOR_ROLES = (Role.HANDLER, Role.UNIT_HEAD)
HUB_ROLES = (Role.DISPATCHER, Role.ADMIN)
TITLE_MAX = 200
ANSWER_MAX = 10000


# -- rights ---------------------------------------------------------------------------------------
def _covers(units: list[OrgUnit], target: OrgUnit) -> bool:
    return any(target.path.startswith(u.path) for u in units)


def is_hub_reviewer(user: User | None, unit: OrgUnit | None = None) -> bool:
    """May review and publish articles of ``unit`` (any unit, when None)."""
    if user is None or not user.is_active:
        return False
    hubs = [u for u in user.units_with_role(*HUB_ROLES) if u.hub() is not None]
    return bool(hubs) if unit is None else _covers(hubs, unit)


def may_edit(user: User | None, unit: OrgUnit) -> bool:
    """May draft and edit articles owned by ``unit``."""
    if user is None or not user.is_active:
        return False
    return _covers(user.units_with_role(*EDITOR_ROLES), unit) or is_hub_reviewer(user, unit)


def editable_units(user: User) -> list[OrgUnit]:
    """Units the user may draft articles for (their own units and everything below)."""
    if not user.is_active:
        return []
    roots = user.units_with_role(*EDITOR_ROLES, *HUB_ROLES)
    if not roots:
        return []
    cond = Q()
    for u in roots:
        cond |= Q(path__startswith=u.path)
    return list(OrgUnit.objects.filter(cond, active=True).order_by("path"))


def _require_editor(user: User, unit: OrgUnit) -> None:
    if not may_edit(user, unit):
        raise PermissionDenied(_("您无权编辑“%(unit)s”的知识条目。") % {"unit": unit.name})


def _require_reviewer(user: User, unit: OrgUnit) -> None:
    if not is_hub_reviewer(user, unit):
        raise PermissionDenied(_("只有枢纽（派单中心）可以审核、发布或下架知识条目。"))


# -- validation -----------------------------------------------------------------------------------
def _text(value: str, field: str, message: str, *, max_length: int, required: bool = True) -> str:
    text = (value or "").strip()
    if required and not text:
        raise InvalidInput(message, fields={field: message})
    if len(text) > max_length:
        msg = _("不能超过 %(n)s 个字。") % {"n": max_length}
        raise InvalidInput(msg, fields={field: msg})
    return text


def _lines(value: str | list[str] | tuple[str, ...]) -> str:
    items = value.splitlines() if isinstance(value, str) else list(value)
    return "\n".join(dict.fromkeys(s.strip() for s in items if s and s.strip()))


def clean_fields(
    *,
    title: str,
    answer: str,
    questions: str | list[str] | tuple[str, ...] = "",
    sources: str | list[str] | tuple[str, ...] = "",
    valid_from: date | None = None,
    valid_to: date | None = None,
    review_due: date | None = None,
) -> dict[str, Any]:
    """The article's own fields, checked; InvalidInput names the field at fault."""
    fields: dict[str, Any] = {
        "title": _text(title, "title", _("请填写标题。"), max_length=TITLE_MAX),
        "answer": _text(answer, "answer", _("请填写答复口径。"), max_length=ANSWER_MAX),
        "questions": _text(_lines(questions), "questions", "", max_length=ANSWER_MAX, required=False),
        "sources": _text(_lines(sources), "sources", "", max_length=ANSWER_MAX, required=False),
        "valid_from": valid_from,
        "valid_to": valid_to,
        "review_due": review_due,
    }
    if valid_from and valid_to and valid_to < valid_from:
        msg = _("失效日期不能早于生效日期。")
        raise InvalidInput(msg, fields={"valid_to": msg})
    return fields


# -- versions -------------------------------------------------------------------------------------
def _snapshot(article: Article, action: str, actor: User | None, note: str = "") -> ArticleVersion:
    article.version += 1
    now = clock.now()
    article.updated_at = now
    article.save()
    search.index_article(article)
    return ArticleVersion.objects.create(
        article=article,
        number=article.version,
        action=action,
        actor=actor,
        at=now,
        note=note,
        title=article.title,
        questions=article.questions,
        answer=article.answer,
        category_id_at=article.category_id,
        owner_unit_id_at=article.owner_unit_id,
        sources=article.sources,
        valid_from=article.valid_from,
        valid_to=article.valid_to,
        review_due=article.review_due,
        status=article.status,
    )


@contextmanager
def _locked(article: Article | int, expected_version: int | None) -> Iterator[Article]:
    pk = article.pk if isinstance(article, Article) else article
    with transaction.atomic():
        try:
            a = Article.objects.select_for_update().select_related("owner_unit").get(pk=pk)
        except Article.DoesNotExist:
            raise InvalidInput(_("知识条目不存在。")) from None
        if expected_version is not None and a.version != expected_version:
            raise ConflictError(_("该条目已被他人修改（当前为第 %(v)s 版），请刷新后再改。") % {"v": a.version})
        yield a


def _state(a: Article, *allowed: str) -> None:
    if a.status not in allowed:
        raise InvalidTransition(_("条目当前状态为“%(s)s”，不能执行此操作。") % {"s": a.get_status_display()})


# -- the actions ----------------------------------------------------------------------------------
def create_article(
    *,
    actor: User,
    owner_unit: OrgUnit,
    title: str,
    answer: str,
    questions: str | list[str] | tuple[str, ...] = "",
    category: Category | None = None,
    sources: str | list[str] | tuple[str, ...] = "",
    valid_from: date | None = None,
    valid_to: date | None = None,
    review_due: date | None = None,
    source_order: WorkOrder | None = None,
    note: str = "",
) -> Article:
    """A new draft (version 1)."""
    _require_editor(actor, owner_unit)
    fields = clean_fields(
        title=title,
        answer=answer,
        questions=questions,
        sources=sources,
        valid_from=valid_from,
        valid_to=valid_to,
        review_due=review_due,
    )
    with transaction.atomic():
        now = clock.now()
        article = Article(
            owner_unit=owner_unit,
            category=category,
            created_by=actor,
            created_at=now,
            updated_at=now,
            status=ArticleStatus.DRAFT,
            source_order=source_order,
            **fields,
        )
        article.save()
        _snapshot(article, "create", actor, note)
    return article


def edit_article(
    article: Article | int,
    *,
    actor: User,
    expected_version: int | None = None,
    note: str = "",
    category: Category | None = None,
    owner_unit: OrgUnit | None = None,
    **values: Any,
) -> Article:
    """Change the article's text, dates or category. A unit's edit of a published or expired
    article makes it a draft again (it goes back through review); the hub edits in place."""
    with _locked(article, expected_version) as a:
        _require_editor(actor, a.owner_unit)
        if owner_unit is not None and owner_unit.pk != a.owner_unit_id:
            _require_editor(actor, owner_unit)
            a.owner_unit = owner_unit
        current = {
            k: getattr(a, k)
            for k in ("title", "answer", "questions", "sources", "valid_from", "valid_to", "review_due")
        }
        current.update(values)
        fields = clean_fields(**current)
        for k, v in fields.items():
            setattr(a, k, v)
        a.category = category
        if a.status != ArticleStatus.DRAFT and not is_hub_reviewer(actor, a.owner_unit):
            a.status = ArticleStatus.DRAFT
        _snapshot(a, "edit", actor, (note or "").strip())
    return a


def submit_for_review(
    article: Article | int, *, actor: User, expected_version: int | None = None, note: str = ""
) -> Article:
    with _locked(article, expected_version) as a:
        _require_editor(actor, a.owner_unit)
        _state(a, ArticleStatus.DRAFT)
        a.status = ArticleStatus.IN_REVIEW
        _snapshot(a, "submit", actor, (note or "").strip())
    return a


def publish(
    article: Article | int,
    *,
    actor: User,
    expected_version: int | None = None,
    note: str = "",
    today: date | None = None,
) -> Article:
    """The hub publishes a draft or reviewed article (also re-publishes an expired one)."""
    today = today or timezone.localdate(clock.now())
    with _locked(article, expected_version) as a:
        _require_reviewer(actor, a.owner_unit)
        _state(a, ArticleStatus.DRAFT, ArticleStatus.IN_REVIEW, ArticleStatus.EXPIRED)
        if a.valid_to is not None and a.valid_to < today:
            msg = _("失效日期已过，请先修改失效日期再发布。")
            raise InvalidInput(msg, fields={"valid_to": msg})
        if a.review_due is not None and a.review_due < today:
            msg = _("复核日期已过，请填写新的复核日期再发布。")
            raise InvalidInput(msg, fields={"review_due": msg})
        a.status = ArticleStatus.PUBLISHED
        a.published_at = clock.now()
        _snapshot(a, "publish", actor, (note or "").strip())
    return a


def send_back(article: Article | int, *, actor: User, note: str, expected_version: int | None = None) -> Article:
    """The hub returns an article under review to its unit, saying what to change."""
    reason = _text(note, "note", _("请填写退回原因。"), max_length=1000)
    with _locked(article, expected_version) as a:
        _require_reviewer(actor, a.owner_unit)
        _state(a, ArticleStatus.IN_REVIEW)
        a.status = ArticleStatus.DRAFT
        _snapshot(a, "send_back", actor, reason)
    return a


def withdraw(article: Article | int, *, actor: User, note: str, expected_version: int | None = None) -> Article:
    """The hub takes a published article out of use (marks it expired)."""
    reason = _text(note, "note", _("请填写下架原因。"), max_length=1000)
    with _locked(article, expected_version) as a:
        _require_reviewer(actor, a.owner_unit)
        _state(a, ArticleStatus.PUBLISHED)
        a.status = ArticleStatus.EXPIRED
        _snapshot(a, "withdraw", actor, reason)
    return a


def confirm_reviewed(
    article: Article | int,
    *,
    actor: User,
    next_review: date,
    expected_version: int | None = None,
    today: date | None = None,
) -> Article:
    """The owner unit or the hub confirms the article is still right and sets the next review date."""
    today = today or timezone.localdate(clock.now())
    if next_review is None or next_review <= today:
        msg = _("下次复核日期须晚于今天。")
        raise InvalidInput(msg, fields={"review_due": msg})
    with _locked(article, expected_version) as a:
        _require_editor(actor, a.owner_unit)
        _state(a, ArticleStatus.PUBLISHED)
        a.review_due = next_review
        _snapshot(a, "confirm_review", actor, "")
    return a


def expire_due(today: date | None = None, *, batch: int = 200) -> int:
    """System: published articles past their valid_to become expired (one version each).
    Safe with several workers: rows are claimed with SKIP LOCKED."""
    today = today or timezone.localdate(clock.now())
    done = 0
    while True:
        with transaction.atomic():
            rows = list(
                Article.objects.select_for_update(skip_locked=True)
                .filter(status=ArticleStatus.PUBLISHED, valid_to__lt=today)
                .order_by("pk")[:batch]
            )
            for a in rows:
                a.status = ArticleStatus.EXPIRED
                _snapshot(a, "expire", None, _("超过失效日期，系统自动失效。"))
        done += len(rows)
        if len(rows) < batch:
            return done


def run_expire_articles() -> int:
    return expire_due()


def draft_from_reply(order: WorkOrder, *, actor: User) -> Article:
    """Turn a closed order's reply into a draft owned by the unit that replied; the citizen's
    question (the order's title and content) is the article's first phrasing."""
    if not is_hub_reviewer(actor, order.hub) or not can_view(actor, order):
        raise PermissionDenied(_("只有枢纽（派单中心）可以把答复转为知识条目。"))
    reply = (order.reply_text or "").strip()
    if order.state not in (State.CLOSED, State.AWAITING_CALLBACK) or not reply:
        raise InvalidTransition(_("只有已办结并有答复的工单可以转为知识条目。"))
    unit = order.lead_unit or order.hub
    questions = [order.title]
    if order.content and order.content.strip() != order.title.strip():
        questions.append(order.content.strip()[:500])
    return create_article(
        actor=actor,
        owner_unit=unit,
        title=order.title[:TITLE_MAX],
        answer=reply,
        questions=questions,
        category=order.category,
        source_order=order,
        note=_("由工单 %(number)s 的答复转成") % {"number": order.number},
    )
