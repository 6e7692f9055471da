"""Console pages of the knowledge base: search, list with flags, edit and history, the hub's
review queue, Excel import/export, the dictionary; and the htmx panels of the intake page
(answer suggestions) and the order page (similar cases, reply → draft)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from civicdesk.knowledge import actions, excel, search, similar, usage
from civicdesk.knowledge.forms import ArticleForm, DictionaryForm, ImportForm, NoteForm
from civicdesk.knowledge.models import Article, ArticleStatus, DictionaryWord, SynonymGroup
from civicdesk.orders.errors import ActionError, ConflictError
from civicdesk.orders.permissions import visible_order
from civicdesk.org.models import Role, User
from civicdesk.org.web import current_user

INTAKE_ROLES = {Role.OPERATOR, Role.DISPATCHER, Role.LIAISON}


def _staff(request: HttpRequest) -> User:
    user = current_user(request)
    if not user.roles:
        raise DjangoPermissionDenied(_("您没有访问知识库的权限。"))
    return user


def _flags(article: Article, today: Any) -> list[str]:
    flags = []
    if article.is_expired(today):
        flags.append(_("已失效"))
    elif article.status == ArticleStatus.PUBLISHED and article.is_review_overdue(today):
        flags.append(_("逾期未复核"))
    if article.status == ArticleStatus.PUBLISHED and article.is_not_yet_valid(today):
        flags.append(_("尚未生效"))
    return flags


def _visible_articles(user: User) -> Any:
    """Staff see every published or expired article; drafts and articles under review only
    when they may edit them (their unit's) or review them (the hub)."""
    qs = Article.objects.select_related("owner_unit", "category")
    if actions.is_hub_reviewer(user):
        return qs
    units = actions.editable_units(user)
    return qs.filter(Q(status__in=[ArticleStatus.PUBLISHED, ArticleStatus.EXPIRED]) | Q(owner_unit__in=units))


def _article(user: User, pk: int) -> Article:
    article = _visible_articles(user).filter(pk=pk).first()
    if article is None:
        raise Http404(_("没有找到该知识条目，或您无权查看。"))
    return article


@login_required
def search_page(request: HttpRequest) -> HttpResponse:
    user = _staff(request)
    query = (request.GET.get("q") or "").strip()[:200]
    today = timezone.localdate()
    hits = search.search(query, limit=20, audience=search.Audience.STAFF, today=today) if query else []
    # Articles under review of other units are for their editors and the hub only.
    allowed = set(_visible_articles(user).filter(pk__in=[h.article.pk for h in hits]).values_list("pk", flat=True))
    hits = [h for h in hits if h.article.pk in allowed]
    counts = usage.use_counts([h.article.pk for h in hits]) if hits else {}
    rows = [
        {"article": h.article, "flags": _flags(h.article, today), "uses": counts.get(h.article.pk, 0)} for h in hits
    ]
    return render(
        request, "knowledge/search.html", {"query": query, "rows": rows, "may_edit": bool(actions.editable_units(user))}
    )


@login_required
def article_list(request: HttpRequest) -> HttpResponse:
    user = _staff(request)
    today = timezone.localdate()
    qs = _visible_articles(user).order_by("-updated_at", "-pk")
    status = request.GET.get("status", "")
    flag = request.GET.get("flag", "")
    if status in ArticleStatus.values:
        qs = qs.filter(status=status)
    if flag == "expired":
        qs = qs.filter(Q(status=ArticleStatus.EXPIRED) | Q(valid_to__lt=today))
    elif flag == "review":
        qs = qs.filter(status=ArticleStatus.PUBLISHED, review_due__lt=today)
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    counts = usage.use_counts([a.pk for a in page])
    rows = [{"article": a, "flags": _flags(a, today), "uses": counts.get(a.pk, 0)} for a in page]
    flagged = {
        "expired": _visible_articles(user).filter(status=ArticleStatus.PUBLISHED, valid_to__lt=today).count(),
        "review": _visible_articles(user).filter(status=ArticleStatus.PUBLISHED, review_due__lt=today).count(),
    }
    return render(
        request,
        "knowledge/list.html",
        {
            "rows": rows,
            "page": page,
            "statuses": ArticleStatus.choices,
            "chosen_status": status,
            "flag": flag,
            "flagged": flagged,
            "rate": usage.answered_on_call_rate(),
            "may_edit": bool(actions.editable_units(user)),
            "is_hub": actions.is_hub_reviewer(user),
        },
    )


@login_required
def review_queue(request: HttpRequest) -> HttpResponse:
    user = _staff(request)
    if not actions.is_hub_reviewer(user):
        raise DjangoPermissionDenied(_("只有枢纽（派单中心）可以审核知识条目。"))
    today = timezone.localdate()
    pending = [
        a
        for a in _visible_articles(user).filter(status=ArticleStatus.IN_REVIEW).order_by("updated_at")
        if actions.is_hub_reviewer(user, a.owner_unit)
    ]
    overdue = [
        a
        for a in _visible_articles(user)
        .filter(status=ArticleStatus.PUBLISHED, review_due__lt=today)
        .order_by("review_due")
        if actions.is_hub_reviewer(user, a.owner_unit)
    ]
    return render(request, "knowledge/review_queue.html", {"pending": pending, "overdue": overdue})


def _form_initial(article: Article) -> dict[str, Any]:
    return {
        "title": article.title,
        "questions": article.questions,
        "answer": article.answer,
        "category": article.category_id,
        "owner_unit": article.owner_unit_id,
        "sources": article.sources,
        "valid_from": article.valid_from,
        "valid_to": article.valid_to,
        "review_due": article.review_due,
        "version": article.version,
    }


def _apply_errors(form: ArticleForm | NoteForm, error: ActionError) -> None:
    for field, message in error.fields.items():
        form.add_error(field if field in form.fields else None, message)
    if not error.fields:
        form.add_error(None, error.message)


@login_required
def article_new(request: HttpRequest) -> HttpResponse:
    user = _staff(request)
    units = actions.editable_units(user)
    if not units:
        raise DjangoPermissionDenied(_("您无权起草知识条目。"))
    form = ArticleForm(request.POST or None, units=units, initial={"owner_unit": units[0].pk})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            article = actions.create_article(
                actor=user,
                owner_unit=d["owner_unit"],
                title=d["title"],
                answer=d["answer"],
                questions=d["questions"],
                category=d["category"],
                sources=d["sources"],
                valid_from=d["valid_from"],
                valid_to=d["valid_to"],
                review_due=d["review_due"],
                note=d["note"],
            )
        except ActionError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("已保存草稿：%(title)s") % {"title": article.title})
            return redirect("knowledge:detail", pk=article.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "knowledge/edit.html", {"form": form, "article": None}, status=status)


@login_required
def article_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = _staff(request)
    article = _article(user, pk)
    if not actions.may_edit(user, article.owner_unit):
        raise DjangoPermissionDenied(_("您无权编辑该知识条目。"))
    units = actions.editable_units(user)
    if article.owner_unit not in units:
        units = [article.owner_unit, *units]
    form = ArticleForm(request.POST or None, units=units, initial=_form_initial(article))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            actions.edit_article(
                article,
                actor=user,
                expected_version=d["version"],
                note=d["note"],
                category=d["category"],
                owner_unit=d["owner_unit"],
                title=d["title"],
                answer=d["answer"],
                questions=d["questions"],
                sources=d["sources"],
                valid_from=d["valid_from"],
                valid_to=d["valid_to"],
                review_due=d["review_due"],
            )
        except ConflictError as error:
            form.add_error(None, error.message)
        except ActionError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("已保存：%(title)s") % {"title": d["title"]})
            return redirect("knowledge:detail", pk=article.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "knowledge/edit.html", {"form": form, "article": article}, status=status)


_MOVES: dict[str, tuple[Any, Any]] = {
    "submit": (
        gettext_lazy("提交审核"),
        lambda a, u, f: actions.submit_for_review(a, actor=u, expected_version=f["version"], note=f["note"]),
    ),
    "publish": (
        gettext_lazy("发布"),
        lambda a, u, f: actions.publish(a, actor=u, expected_version=f["version"], note=f["note"]),
    ),
    "send_back": (
        gettext_lazy("退回修改"),
        lambda a, u, f: actions.send_back(a, actor=u, expected_version=f["version"], note=f["note"]),
    ),
    "withdraw": (
        gettext_lazy("下架"),
        lambda a, u, f: actions.withdraw(a, actor=u, expected_version=f["version"], note=f["note"]),
    ),
    "confirm_review": (
        gettext_lazy("确认复核"),
        lambda a, u, f: actions.confirm_reviewed(
            a, actor=u, expected_version=f["version"], next_review=f["review_due"]
        ),
    ),
}


def _moves_for(user: User, article: Article) -> list[str]:
    hub = actions.is_hub_reviewer(user, article.owner_unit)
    editor = actions.may_edit(user, article.owner_unit)
    status = article.status
    moves = []
    if editor and status == ArticleStatus.DRAFT:
        moves.append("submit")
    if hub and status in (ArticleStatus.DRAFT, ArticleStatus.IN_REVIEW, ArticleStatus.EXPIRED):
        moves.append("publish")
    if hub and status == ArticleStatus.IN_REVIEW:
        moves.append("send_back")
    if hub and status == ArticleStatus.PUBLISHED:
        moves.append("withdraw")
    if editor and status == ArticleStatus.PUBLISHED:
        moves.append("confirm_review")
    return moves


@login_required
def article_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _staff(request)
    article = _article(user, pk)
    return _render_detail(request, user, article)


def _render_detail(
    request: HttpRequest,
    user: User,
    article: Article,
    *,
    bound: NoteForm | None = None,
    bound_move: str = "",
    status: int = 200,
) -> HttpResponse:
    today = timezone.localdate()
    moves = [
        {
            "code": code,
            "label": _MOVES[code][0],
            "form": bound
            if code == bound_move and bound is not None
            else NoteForm(initial={"version": article.version}, prefix=code),
        }
        for code in _moves_for(user, article)
    ]
    versions = article.versions.select_related("actor").order_by("-number")
    return render(
        request,
        "knowledge/detail.html",
        {
            "article": article,
            "flags": _flags(article, today),
            "moves": moves,
            "versions": versions,
            "uses": usage.use_counts([article.pk]).get(article.pk, 0),
            "may_edit": actions.may_edit(user, article.owner_unit),
            "citizen_visible": article.is_citizen_visible(today),
        },
        status=status,
    )


@login_required
@require_POST
def article_move(request: HttpRequest, pk: int, move: str) -> HttpResponse:
    user = _staff(request)
    article = _article(user, pk)
    if move not in _MOVES:
        raise Http404(_("没有这个操作。"))
    form = NoteForm(request.POST, prefix=move)
    if not form.is_valid():
        return _render_detail(request, user, article, bound=form, bound_move=move, status=400)
    try:
        _MOVES[move][1](article, user, form.cleaned_data)
    except ConflictError as error:
        messages.warning(request, error.message)
        return redirect("knowledge:detail", pk=pk)
    except ActionError as error:
        _apply_errors(form, error)
        status = 403 if error.code == "permission_denied" else 400
        return _render_detail(request, user, _article(user, pk), bound=form, bound_move=move, status=status)
    messages.success(request, _("已%(move)s：%(title)s") % {"move": _MOVES[move][0], "title": article.title})
    return redirect("knowledge:detail", pk=pk)


@login_required
def export_view(request: HttpRequest) -> HttpResponse:
    user = _staff(request)
    data = excel.export_articles(_visible_articles(user).order_by("pk"))
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = 'attachment; filename="knowledge.xlsx"'
    return response


@login_required
def import_view(request: HttpRequest) -> HttpResponse:
    user = _staff(request)
    units = actions.editable_units(user)
    if not units:
        raise DjangoPermissionDenied(_("您无权导入知识条目。"))
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        report = excel.import_articles(form.cleaned_data["file"], actor=user, allowed_units=units)
        if report.imported:
            messages.success(request, _("已导入 %(n)s 条（草稿）。") % {"n": len(report.imported)})
    return render(
        request,
        "knowledge/import.html",
        {"form": form, "report": report},
        status=400 if report is not None and not report.imported and report.rejected else 200,
    )


@login_required
def dictionary_view(request: HttpRequest) -> HttpResponse:
    user = _staff(request)
    if Role.ADMIN not in user.roles:
        raise DjangoPermissionDenied(_("只有管理员可以维护同义词和自定义词。"))
    initial = {
        "synonyms": "\n".join(g.terms for g in SynonymGroup.objects.all()),
        "words": "\n".join(DictionaryWord.objects.values_list("word", flat=True)),
    }
    form = DictionaryForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        groups = [line.strip() for line in form.cleaned_data["synonyms"].splitlines() if line.strip()]
        words = list(dict.fromkeys(w.strip() for w in form.cleaned_data["words"].splitlines() if w.strip()))
        too_long = [w for w in words if len(w) > 50]
        short_groups = [g for g in groups if len(SynonymGroup(terms=g).term_list()) < 2]
        if too_long:
            form.add_error("words", _("词语不能超过 50 个字：%(w)s") % {"w": too_long[0]})
        if short_groups:
            form.add_error("synonyms", _("每组至少两个词：%(g)s") % {"g": short_groups[0]})
        if not too_long and not short_groups:
            with transaction.atomic():
                SynonymGroup.objects.all().delete()
                SynonymGroup.objects.bulk_create([SynonymGroup(terms=g[:500]) for g in groups])
                DictionaryWord.objects.exclude(word__in=words).delete()
                DictionaryWord.objects.bulk_create([DictionaryWord(word=w) for w in words], ignore_conflicts=True)
                search.dictionary_changed()
            n = search.reindex_all()
            messages.success(request, _("已保存，%(n)s 个条目已重新建立索引。") % {"n": n})
            return redirect("knowledge:dictionary")
    return render(request, "knowledge/dictionary.html", {"form": form}, status=400 if request.method == "POST" else 200)


# -- intake panel ----------------------------------------------------------------------------------
@login_required
@require_POST
def intake_answers(request: HttpRequest) -> HttpResponse:
    """Suggestions for the intake page while the operator types (title and content). A POST:
    what the caller said stays out of URLs and access logs."""
    user = _staff(request)
    if not user.roles & INTAKE_ROLES:
        raise DjangoPermissionDenied(_("您没有受理工单的权限。"))
    text = " ".join((request.POST.get(k) or "").strip() for k in ("title", "content"))[:1000].strip()
    found = search.suggest(text, limit=5) if len(text) >= 2 else search.Suggestions([], 0.0, 0)
    return render(request, "knowledge/_intake_answer_list.html", {"hits": found.hits, "weak": found.weak, "text": text})


# -- order page panel ------------------------------------------------------------------------------
@login_required
def order_panel(request: HttpRequest, number: str) -> HttpResponse:
    user = _staff(request)
    order = visible_order(user, number)
    cases = similar.similar_cases(user, order)
    can_draft = (
        bool(order.reply_text) and order.state in similar.DRAFTABLE_STATES and actions.is_hub_reviewer(user, order.hub)
    )
    return render(request, "knowledge/_order_panel_body.html", {"order": order, "cases": cases, "can_draft": can_draft})


@login_required
@require_POST
def from_reply(request: HttpRequest, number: str) -> HttpResponse:
    user = _staff(request)
    order = visible_order(user, number)
    try:
        article = actions.draft_from_reply(order, actor=user)
    except ActionError as error:
        messages.error(request, error.message)
        return redirect("orders:detail", number=number)
    messages.success(request, _("已由答复生成知识条目草稿，请完善后提交审核。"))
    return redirect("knowledge:edit", pk=article.pk)
