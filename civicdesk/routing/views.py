"""Smart dispatch pages: model versions (train now, choose the active one), the
per-category auto-dispatch switches, and first-dispatch accuracy next to the model's own
offline figures."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from civicdesk.catalogue.models import Category, in_tree_order
from civicdesk.orders import actions
from civicdesk.orders.errors import ActionError
from civicdesk.orders.permissions import visible_orders
from civicdesk.org.models import OrgUnit, Role, User
from civicdesk.org.web import admin_required, current_user
from civicdesk.routing import accuracy, training
from civicdesk.routing.models import AutoDispatchDecision, AutoDispatchSetting, ModelVersion, Outcome, VersionStatus
from civicdesk.routing.tasks import request_training
from civicdesk.statistics.measures import MEASURES, Period

ACCURACY_ROLES = {Role.ADMIN, Role.LEADER, Role.DISPATCHER, Role.SUPERVISOR}


def _user(request: HttpRequest) -> User:
    return current_user(request)


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


# --------------------------------------------------------------------------- versions


@admin_required
def versions(request: HttpRequest) -> HttpResponse:
    rows = list(ModelVersion.objects.defer("artefact").select_related("activated_by", "requested_by")[:50])
    active = next((v for v in rows if v.active), None)
    recent = AutoDispatchDecision.objects.filter(decided_at__gte=timezone.now() - timedelta(days=30))
    context = {
        "versions": rows,
        "active": active,
        "training": any(v.status == VersionStatus.TRAINING for v in rows),
        "holdout_percent": training.holdout_percent(),
        "auto_counts": {
            "dispatched": recent.filter(outcome=Outcome.DISPATCHED).count(),
            "undone": recent.filter(outcome=Outcome.UNDONE).count(),
            "below": recent.filter(outcome=Outcome.BELOW).count(),
        },
    }
    return render(request, "routing/versions.html", context)


@admin_required
@require_POST
def train_now(request: HttpRequest) -> HttpResponse:
    if ModelVersion.objects.filter(
        status=VersionStatus.TRAINING, created_at__gte=timezone.now() - timedelta(hours=2)
    ).exists():
        messages.warning(request, _("已有一个版本正在训练，请等待其完成。"))
        return redirect("routing:versions")
    version = request_training(trigger="admin", user=_user(request))
    messages.success(request, _("已提交训练 v%(n)s，后台完成后在此显示评估结果。") % {"n": version.number})
    return redirect("routing:versions")


@admin_required
@require_POST
def activate(request: HttpRequest, number: int) -> HttpResponse:
    version = ModelVersion.objects.defer("artefact").filter(number=number).first()
    if version is None:
        raise Http404(_("没有该模型版本。"))
    if version.status != VersionStatus.READY:
        messages.error(request, _("v%(n)s 尚未训练完成，不能启用。") % {"n": number})
        return redirect("routing:versions")
    training.activate(version, by=_user(request), decision=_("由管理员 %(name)s 启用。") % {"name": _user(request)})
    messages.success(request, _("已启用 v%(n)s。") % {"n": number})
    return redirect("routing:versions")


# --------------------------------------------------------------------------- auto-dispatch


class SettingForm(forms.Form):
    enabled = forms.BooleanField(label=gettext_lazy("自动派单"), required=False)
    threshold = forms.FloatField(
        label=gettext_lazy("置信度阈值"),
        min_value=0.5,
        max_value=1.0,
        error_messages={
            "required": gettext_lazy("请填写阈值。"),
            "invalid": gettext_lazy("阈值须为 0.5 到 1 之间的小数，例如 0.9。"),
            "min_value": gettext_lazy("阈值不能低于 0.5。"),
            "max_value": gettext_lazy("阈值不能高于 1。"),
        },
    )


def _setting_rows(active: ModelVersion | None, bound: dict[int, SettingForm] | None = None) -> list[dict[str, Any]]:
    categories = in_tree_order(list(Category.objects.filter(active=True)))
    settings_by = {s.category_id: s for s in AutoDispatchSetting.objects.all()}
    per_category = active.per_category() if active is not None else {}
    rows = []
    for category in categories:
        setting = settings_by.get(category.pk)
        form = (bound or {}).get(category.pk) or SettingForm(
            prefix=f"c{category.pk}",
            initial={
                "enabled": setting.enabled if setting else False,
                "threshold": setting.threshold if setting else 0.9,
            },
        )
        figures = per_category.get(str(category.pk))
        coverage = None
        if figures and setting is not None:
            n, precision = training.at_threshold(figures.get("bins", []), setting.threshold)
            coverage = {"n": n, "of": figures["n"], "precision": _pct(precision)}
        rows.append(
            {
                "category": category,
                "setting": setting,
                "form": form,
                "indent": (category.level - 1) * 1.2,
                "figures": figures,
                "unit_accuracy": _pct(figures["unit_accuracy_given_category"]) if figures else "—",
                "coverage": coverage,
            }
        )
    return rows


@admin_required
def auto_settings(request: HttpRequest) -> HttpResponse:
    active = training.current_active()
    status = 200
    bound: dict[int, SettingForm] = {}
    if request.method == "POST":
        raw = request.POST.get("category") or ""
        category = Category.objects.filter(pk=int(raw)).first() if raw.isdigit() else None
        if category is None:
            raise Http404(_("没有该分类。"))
        form = SettingForm(request.POST, prefix=f"c{category.pk}")
        if form.is_valid():
            AutoDispatchSetting.objects.update_or_create(
                category=category,
                defaults={
                    "enabled": form.cleaned_data["enabled"],
                    "threshold": form.cleaned_data["threshold"],
                    "updated_at": timezone.now(),
                    "updated_by": _user(request),
                },
            )
            state = _("开启") if form.cleaned_data["enabled"] else _("关闭")
            messages.success(
                request,
                _("“%(category)s”自动派单已%(state)s，阈值 %(t).2f。")
                % {"category": category.full_name(), "state": state, "t": form.cleaned_data["threshold"]},
            )
            return redirect(f"{request.path}#auto-{category.pk}")
        bound[category.pk] = form
        status = 400
    return render(request, "routing/auto.html", {"rows": _setting_rows(active, bound), "active": active}, status=status)


# --------------------------------------------------------------------------- accuracy


class PeriodForm(forms.Form):
    start = forms.DateField(
        label=gettext_lazy("首次派单自"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control form-control-sm"}),
    )
    end = forms.DateField(
        label=gettext_lazy("至"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control form-control-sm"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            self.add_error("end", _("结束日期不能早于开始日期。"))
        return data


def _moment(day: Any, *, end: bool = False) -> datetime:
    moment = datetime.combine(day + timedelta(days=1) if end else day, time.min)
    return timezone.make_aware(moment)


@login_required
def first_dispatch(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not user.roles & ACCURACY_ROLES:
        raise PermissionDenied(_("您没有查看此页面的权限。"))
    form = PeriodForm(request.GET or None)
    today = timezone.localdate()
    start, end = today - timedelta(days=89), today
    if form.is_bound and form.is_valid():
        start = form.cleaned_data.get("start") or start
        end = form.cleaned_data.get("end") or end
    period = Period(_moment(start), _moment(end, end=True))
    now = timezone.now()
    active = training.current_active()
    per_model = active.per_category() if active is not None else {}
    categories = {c.pk: c for c in Category.objects.all()}
    cat_rows: list[dict[str, Any]] = []
    for key, row in sorted(accuracy.by_category(period, now).items(), key=lambda kv: -kv[1].dispatched):
        model = per_model.get(str(key)) if key is not None else None
        cat_rows.append(
            {
                "category": categories.get(key) if key is not None else None,
                "row": row,
                "accuracy": _pct(row.accuracy),
                "model_unit": _pct(model["unit_accuracy_given_category"]) if model else "—",
                "model_f1": _pct(model["category_f1"]) if model else "—",
                "model_n": model["n"] if model else None,
            }
        )
    units = {u.pk: u for u in OrgUnit.objects.all()}
    unit_rows = [
        {"unit": units.get(key) if key is not None else None, "row": row, "accuracy": _pct(row.accuracy)}
        for key, row in sorted(accuracy.by_first_unit(period, now).items(), key=lambda kv: -kv[1].dispatched)
    ]
    total_n = sum(int(r["row"].dispatched) for r in cat_rows)
    total_ok = sum(int(r["row"].right_first_time) for r in cat_rows)
    return render(
        request,
        "routing/accuracy.html",
        {
            "form": form,
            "start": start,
            "end": end,
            "active": active,
            "category_rows": cat_rows,
            "unit_rows": unit_rows,
            "total": _pct(total_ok / total_n if total_n else None),
            "total_n": total_n,
            "definition": MEASURES["first_dispatch_accuracy"].definition,
        },
    )


# --------------------------------------------------------------------------- undo (from the dispatch board)


@login_required
@require_POST
def undo(request: HttpRequest, number: str) -> HttpResponse:
    """A dispatcher takes an auto-dispatch back: the order returns to the dispatch queue
    and the unit is told."""
    user = _user(request)
    if Role.DISPATCHER not in user.roles:
        raise PermissionDenied(_("您没有查看此页面的权限。"))
    order = visible_orders(user).filter(number=number).first()
    if order is None:
        raise Http404(_("没有找到该工单，或您无权查看。"))
    version = request.POST.get("version") or ""
    try:
        actions.undo_auto_dispatch(
            order,
            actor=user,
            reason=request.POST.get("reason", ""),
            expected_version=int(version) if version.isdigit() else None,
        )
    except ActionError as error:
        messages.error(request, error.message_for(user))
    else:
        messages.success(request, _("已撤销工单 %(number)s 的自动派单，工单回到待派单。") % {"number": number})
    return redirect("orders:dispatch_board")
