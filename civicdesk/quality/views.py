"""Quality inspection pages: the inspector's queue, one inspection (score, appeal, decide),
the operator's own results, and the figures. Thin: each POST goes through an action."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from civicdesk.intake.recordings import can_play
from civicdesk.orders.errors import ActionError
from civicdesk.orders.permissions import can_view
from civicdesk.org.models import OrgUnit, Role, User
from civicdesk.org.web import current_user
from civicdesk.quality import actions
from civicdesk.quality.forms import AppealInput, DecisionInput, FillInput, ScoreInput
from civicdesk.quality.models import Inspection, InspectionState
from civicdesk.quality.reports import score_lines, top_deductions, weeks_ending
from civicdesk.quality.sampling import monday

REPORT_WEEKS = (4, 8, 13, 26)
QUEUE_LIMIT = 200


def _inspector_hubs(user: User) -> list[OrgUnit]:
    return actions.hubs_with(user, Role.INSPECTOR)


def _report_hubs(user: User) -> list[OrgUnit]:
    return actions.hubs_with(user, Role.INSPECTOR, Role.LEADER, Role.ADMIN)


def _visible(user: User, inspection: Inspection) -> bool:
    """The operator sees their own; the hub's inspectors and leaders see all of the hub's."""
    if inspection.operator_id == user.pk:
        return True
    return any(h.pk == inspection.hub_id for h in actions.hubs_with(user, *actions.DECIDER_ROLES))


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    hubs = actions.hubs_with(user, *actions.DECIDER_ROLES)
    if not hubs:
        raise PermissionDenied(_("您没有查看此页面的权限。"))
    state = request.GET.get("state") or InspectionState.QUEUED
    if state not in InspectionState.values:
        state = InspectionState.QUEUED
    rows = (
        Inspection.objects.filter(hub__in=hubs, state=state)
        .select_related("call", "operator", "inspector", "call__order")
        .order_by("week", "pk")[:QUEUE_LIMIT]
    )
    counts = {
        s: Inspection.objects.filter(hub__in=hubs, state=s).count()
        for s in (InspectionState.QUEUED, InspectionState.APPEALED)
    }
    context = {
        "rows": rows,
        "state": state,
        "states": InspectionState.choices,
        "counts": counts,
        "may_fill": bool(_inspector_hubs(user)),
        "fill": FillInput(initial={"week": monday(timezone.localdate()) - timedelta(days=7)}),
    }
    if request.headers.get("HX-Request"):
        return render(request, "quality/_queue_rows.html", context)
    return render(request, "quality/queue.html", context)


@login_required
@require_POST
def fill(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    hubs = _inspector_hubs(user)
    if not hubs:
        raise PermissionDenied(_("只有本中心的质检员可以抽取质检来电。"))
    form = FillInput(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for e in form.errors.get("week", [])))
        return redirect("quality:queue")
    week = monday(form.cleaned_data["week"])
    added = sum(actions.fill_queue(hub, week, actor=user) for hub in hubs)
    messages.success(
        request, _("已按抽样规则抽取 %(week)s 这一周的来电：新增 %(n)s 通。") % {"week": f"{week:%Y-%m-%d}", "n": added}
    )
    return redirect("quality:queue")


def _inspection_or_404(user: User, pk: int) -> Inspection:
    inspection = get_object_or_404(
        Inspection.objects.select_related("call__hub", "call__order", "operator", "inspector", "decided_by", "form"),
        pk=pk,
    )
    if not _visible(user, inspection):
        raise Http404(_("没有找到这条质检记录。"))
    return inspection


def _page(request: HttpRequest, inspection: Inspection, status: int = 200, **forms: Any) -> HttpResponse:
    user = current_user(request)
    may_score = (
        inspection.state == InspectionState.QUEUED
        and any(h.pk == inspection.hub_id for h in _inspector_hubs(user))
        and user.pk != inspection.operator_id
    )
    may_decide = (
        inspection.state == InspectionState.APPEALED
        and user.pk not in (inspection.inspector_id, inspection.operator_id)
        and any(h.pk == inspection.hub_id for h in actions.hubs_with(user, *actions.DECIDER_ROLES))
    )
    deductions = list(inspection.deductions.select_related("reason__item"))
    score_form = forms.get("score_form")
    if may_score and score_form is None:
        try:
            score_form = ScoreInput(form=actions.form_for(inspection.hub), initial={"version": inspection.version})
        except ActionError as error:
            messages.error(request, error.message)
    order = inspection.call.order
    context = {
        "inspection": inspection,
        "call": inspection.call,
        "order": order if order is not None and can_view(user, order) else None,
        # Through the recordings' play view, which checks the right and keeps every play.
        "can_play": can_play(user, inspection.call),
        "deductions": deductions,
        "events": inspection.events.select_related("actor"),
        "score_form": score_form if may_score else None,
        "appeal_form": (forms.get("appeal_form") or AppealInput(initial={"version": inspection.version}))
        if inspection.may_appeal and user.pk == inspection.operator_id
        else None,
        "decide_form": (
            forms.get("decide_form") or DecisionInput(deductions=deductions, initial={"version": inspection.version})
        )
        if may_decide
        else None,
    }
    return render(request, "quality/inspection.html", context, status=status)


@login_required
def inspection(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    return _page(request, _inspection_or_404(user, pk))


def _refused(request: HttpRequest, item: Inspection, error: ActionError, form: Any, key: str) -> HttpResponse:
    if isinstance(error, PermissionDenied):
        raise error
    for field, message in error.fields.items():
        if message and field in form.fields:
            form.add_error(field, message)
    messages.error(request, error.message_for(current_user(request)))
    return _page(request, item, 409 if error.code == "conflict" else 400, **{key: form})


@login_required
@require_POST
def score(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    item = _inspection_or_404(user, pk)
    form = ScoreInput(request.POST, form=actions.form_for(item.hub))
    if not form.is_valid():
        return _page(request, item, 400, score_form=form)
    try:
        actions.score(
            item,
            actor=user,
            reasons=form.chosen(),
            comment=form.cleaned_data["comment"],
            version=form.cleaned_data["version"],
        )
    except ActionError as error:
        return _refused(request, item, error, form, "score_form")
    messages.success(request, _("已评分。"))
    return redirect("quality:inspection", pk=item.pk)


@login_required
@require_POST
def appeal(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    item = _inspection_or_404(user, pk)
    form = AppealInput(request.POST)
    if not form.is_valid():
        return _page(request, item, 400, appeal_form=form)
    try:
        actions.appeal(item, actor=user, text=form.cleaned_data["appeal"], version=form.cleaned_data["version"])
    except ActionError as error:
        return _refused(request, item, error, form, "appeal_form")
    messages.success(request, _("申诉已提交，将由评分人以外的质检员或领导复核。"))
    return redirect("quality:inspection", pk=item.pk)


@login_required
@require_POST
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    item = _inspection_or_404(user, pk)
    form = DecisionInput(request.POST, deductions=list(item.deductions.select_related("reason")))
    if not form.is_valid():
        return _page(request, item, 400, decide_form=form)
    try:
        actions.decide(
            item,
            actor=user,
            withdraw=form.chosen(),
            note=form.cleaned_data["decision"],
            version=form.cleaned_data["version"],
        )
    except ActionError as error:
        return _refused(request, item, error, form, "decide_form")
    messages.success(request, _("申诉已复核，得分已确定。"))
    return redirect("quality:inspection", pk=item.pk)


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    if not user.has_role(Role.OPERATOR):
        raise PermissionDenied(_("您没有查看此页面的权限。"))
    rows = (
        Inspection.objects.filter(operator=user)
        .exclude(state=InspectionState.QUEUED)
        .select_related("call", "inspector")
        .order_by("-scored_at")[:QUEUE_LIMIT]
    )
    return render(request, "quality/mine.html", {"rows": rows})


@login_required
def report(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    hubs = _report_hubs(user)
    if not hubs:
        raise PermissionDenied(_("您没有查看此页面的权限。"))
    hub = next((h for h in hubs if str(h.pk) == request.GET.get("hub")), hubs[0])
    try:
        count = int(request.GET.get("weeks") or 8)
    except ValueError:
        count = 8
    count = count if count in REPORT_WEEKS else 8
    weeks = weeks_ending(timezone.localdate(), count)
    operators, teams = score_lines(hub, weeks)
    context = {
        "hubs": hubs,
        "hub": hub,
        "weeks": weeks,
        "count": count,
        "choices": REPORT_WEEKS,
        "operators": operators,
        "teams": teams,
        "top": top_deductions(hub, weeks),
    }
    if request.headers.get("HX-Request"):
        return render(request, "quality/_report_body.html", context)
    return render(request, "quality/report.html", context)
