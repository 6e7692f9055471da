"""Pages of the policy library: the staff's library and a measure with the companies it
matches, a liaison officer's measures for their companies, one company's measures, the panel
on an enterprise's order, the knowledge base's citations, the import; and the portal's public
search (no account)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from civicdesk.enterprises.liaison import enterprises_of, serves
from civicdesk.enterprises.models import Enterprise
from civicdesk.knowledge.models import Article
from civicdesk.orders.errors import ActionError
from civicdesk.orders.permissions import visible_order
from civicdesk.org.models import Role, User
from civicdesk.org.web import current_user
from civicdesk.policies import actions, excel
from civicdesk.policies.forms import CiteForm, ImportForm, PolicyForm, SearchForm, WithdrawForm
from civicdesk.policies.matching import current_policies, evaluate, matches_for, matching_enterprises
from civicdesk.policies.models import Policy, PolicyCitation
from civicdesk.policies.search import public_search

# Hub-wide roles that see which companies of the register a measure matches.
REGISTER_ROLES = (Role.DISPATCHER, Role.SUPERVISOR, Role.LEADER, Role.ADMIN)


def _staff(request: HttpRequest) -> User:
    user = current_user(request)
    if not user.roles:
        raise PermissionDenied(_("您没有查看此页面的权限。"))
    return user


def _sees_register(user: User) -> bool:
    return bool(user.units_with_role(*REGISTER_ROLES))


@login_required
def library(request: HttpRequest) -> HttpResponse:
    user = _staff(request)
    form = SearchForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    rows = public_search(data.get("q", ""), data.get("industry", ""), data.get("size", ""))
    withdrawn = Policy.objects.filter(active=False).order_by("code") if actions.may_edit(user) else []
    return render(
        request,
        "policies/library.html",
        {"form": form, "policies": rows, "withdrawn": withdrawn, "may_edit": actions.may_edit(user)},
    )


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _staff(request)
    policy = get_object_or_404(Policy.objects.prefetch_related("areas"), pk=pk)
    return _detail(request, user, policy)


def _detail(request: HttpRequest, user: User, policy: Policy, status: int = 200, **extra: Any) -> HttpResponse:
    matches = matching_enterprises(policy)
    if not _sees_register(user):
        mine = set(enterprises_of(user).values_list("pk", flat=True))
        matches = [m for m in matches if m.enterprise.pk in mine]
    context = {
        "policy": policy,
        "conditions": evaluate_conditions(policy),
        "matches": matches,
        "events": policy.events.select_related("actor").order_by("-at", "-pk")[:30],
        "citations": PolicyCitation.objects.filter(policy=policy).select_related("article"),
        "pushes": policy.pushes.filter(revision=policy.revision).count(),
        "may_edit": actions.may_edit(user),
        "cite_form": CiteForm(),
        "withdraw_form": WithdrawForm(),
        **extra,
    }
    return render(request, "policies/detail.html", context, status=status)


def evaluate_conditions(policy: Policy) -> list[tuple[str, str]]:
    """The measure's conditions in words, (label, what it asks), for the page."""
    # A company that knows nothing: every condition is listed, met or not.
    blank = Enterprise(name="")
    return [(c.label, c.wanted) for c in evaluate(policy, blank).conditions]


@login_required
def edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    user = _staff(request)
    if not actions.may_edit(user):
        raise PermissionDenied(_("只有管理员和派单员可以维护惠企政策。"))
    policy = get_object_or_404(Policy, pk=pk) if pk is not None else None
    form = PolicyForm(request.POST or None, instance=policy)
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in form.fields if name != "areas"}
        if policy is not None:
            values["code"] = policy.code
        try:
            saved, changed = actions.save_policy(actor=user, values=values, areas=form.cleaned_data["areas"])
        except ActionError as error:
            for name, message in error.fields.items():
                form.add_error(name if name in form.fields else None, message)
        else:
            if changed:
                messages.success(
                    request, _("已保存，版本 %(n)s；已推送给符合条件的企业和驻企员。") % {"n": saved.revision}
                )
            else:
                messages.info(request, _("内容没有变化，未推送。"))
            return redirect("policies:detail", pk=saved.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "policies/edit.html", {"form": form, "policy": policy}, status=status)


@login_required
@require_POST
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    user = _staff(request)
    policy = get_object_or_404(Policy, pk=pk)
    form = WithdrawForm(request.POST)
    if not actions.may_edit(user):
        raise PermissionDenied(_("只有管理员和派单员可以维护惠企政策。"))
    if not form.is_valid():
        return _detail(request, user, policy, status=400, withdraw_form=form)
    try:
        actions.withdraw_policy(policy, actor=user, reason=form.cleaned_data["reason"])
    except ActionError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("已停用该政策。"))
    return redirect("policies:detail", pk=policy.pk)


@login_required
@require_POST
def cite(request: HttpRequest, pk: int) -> HttpResponse:
    user = _staff(request)
    policy = get_object_or_404(Policy, pk=pk)
    form = CiteForm(request.POST)
    if not form.is_valid():
        return _detail(request, user, policy, status=400, cite_form=form)
    article = Article.objects.filter(pk=form.cleaned_data["article"]).select_related("owner_unit").first()
    if article is None:
        form.add_error("article", _("没有这个知识条目。"))
        return _detail(request, user, policy, status=400, cite_form=form)
    try:
        actions.cite(policy, actor=user, article=article)
    except ActionError as error:
        form.add_error("article", error.message)
        return _detail(request, user, policy, status=400, cite_form=form)
    messages.success(request, _("知识条目“%(title)s”已引用此政策。") % {"title": article.title})
    return redirect("policies:detail", pk=policy.pk)


@login_required
def import_view(request: HttpRequest) -> HttpResponse:
    user = _staff(request)
    if not actions.may_edit(user):
        raise PermissionDenied(_("只有管理员和派单员可以维护惠企政策。"))
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        report = excel.import_policies(form.cleaned_data["file"], actor=user)
    status = 400 if report is not None and not report.imported and report.rejected else 200
    context = {"form": form, "report": report, "columns": "、".join(h for h, _a in excel.COLUMNS)}
    return render(request, "policies/import.html", context, status=status)


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    """A liaison officer's companies, each with the measures it probably qualifies for."""
    user = current_user(request)
    if Role.LIAISON not in user.roles:
        raise PermissionDenied(_("只有驻企员可以查看此页面。"))
    companies = list(enterprises_of(user).order_by("name"))
    found = matches_for(enterprises_of(user))
    rows = [(e, found.get(e.pk, [])) for e in companies]
    return render(request, "policies/mine.html", {"rows": rows})


def _may_see_company(user: User, enterprise: Enterprise) -> bool:
    return _sees_register(user) or serves(user, enterprise.pk)


@login_required
def company(request: HttpRequest, pk: int) -> HttpResponse:
    user = _staff(request)
    enterprise = get_object_or_404(Enterprise, pk=pk)
    if not _may_see_company(user, enterprise):
        raise Http404(_("没有找到该企业，或您无权查看。"))
    found = matches_for(Enterprise.objects.filter(pk=pk)).get(pk, [])
    return render(request, "policies/company.html", {"enterprise": enterprise, "matches": found})


@login_required
def order_panel(request: HttpRequest, number: str) -> HttpResponse:
    """The measures the company of an enterprise order probably qualifies for (htmx)."""
    user = _staff(request)
    order = visible_order(user, number)
    found = []
    if order.enterprise_id is not None:
        found = matches_for(Enterprise.objects.filter(pk=order.enterprise_id)).get(order.enterprise_id, [])
    return render(request, "policies/_order_panel_body.html", {"order": order, "matches": found})


@login_required
def article_panel(request: HttpRequest, pk: int) -> HttpResponse:
    """The measures a knowledge article cites as its source (htmx, on the article's page)."""
    _staff(request)
    citations = PolicyCitation.objects.filter(article_id=pk).select_related("policy").order_by("policy__code")
    return render(request, "policies/_article_panel_body.html", {"citations": citations})


# --- the portal (no account) ---------------------------------------------------------


def public_list(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    rows = public_search(data.get("q", ""), data.get("industry", ""), data.get("size", ""))
    return render(request, "policies/public_list.html", {"form": form, "policies": rows})


def public_detail(request: HttpRequest, code: str) -> HttpResponse:
    policy = current_policies().filter(code=code).prefetch_related("areas").first()
    if policy is None:
        raise Http404(_("没有找到该政策，或已停止执行。"))
    return render(request, "policies/public_detail.html", {"policy": policy, "conditions": evaluate_conditions(policy)})
