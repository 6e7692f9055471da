"""The admin's duty roster page (值班安排): upcoming non-working days, who is on duty for the
hub and each unit, and where no one is."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from civicdesk.org.models import OrgUnit, Role, User
from civicdesk.org.views import admin_required
from civicdesk.worktime.duty import covered_units, non_working_days
from civicdesk.worktime.forms import DutyShiftForm
from civicdesk.worktime.models import DutyShift

ROSTER_DAYS = 60


def _hubs(user: User) -> list[OrgUnit]:
    hubs: dict[int, OrgUnit] = {}
    for unit in user.units_with_role(Role.ADMIN):
        hub = unit if unit.is_hub else unit.hub()
        candidates = [hub] if hub is not None else list(OrgUnit.objects.filter(path__startswith=unit.path, is_hub=True))
        for candidate in candidates:
            hubs[candidate.pk] = candidate
    return sorted(hubs.values(), key=lambda u: u.path)


def _scope(hubs: list[OrgUnit]) -> tuple[object, object]:
    paths = [h.path for h in hubs]
    units = OrgUnit.objects.none()
    people = User.objects.none()
    for path in paths:
        units = units | OrgUnit.objects.filter(path__startswith=path, active=True)
        people = people | User.objects.filter(is_active=True, memberships__unit__path__startswith=path)
    return units.order_by("path"), people.distinct().order_by("username")


@admin_required
def roster(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    hubs = _hubs(user)
    units, people = _scope(hubs)
    if request.method == "POST":
        form = DutyShiftForm(request.POST, units=units, people=people)
        if form.is_valid():
            shift = form.save(commit=False)
            shift.entered_by = user
            shift.save()
            messages.success(request, _("已添加值班：%(shift)s") % {"shift": shift})
            return redirect(reverse("worktime:duty"))
    else:
        form = DutyShiftForm(initial={"day": request.GET.get("day") or None, "unit": request.GET.get("unit") or None},
                             units=units, people=people)
    today = timezone.localdate()
    days = non_working_days(today, ROSTER_DAYS)
    shifts = list(
        DutyShift.objects.filter(day__in=days, unit__in=units).select_related("unit", "user").order_by("unit__path")
    )
    table = []
    for hub in hubs:
        covered = covered_units(hub)
        for day in days:
            cells = []
            for unit in covered:
                on_duty = [s for s in shifts if s.day == day and s.unit_id == unit.pk]
                cells.append({"unit": unit, "shifts": on_duty})
            extra = [s for s in shifts if s.day == day and s.unit_id not in {u.pk for u in covered}
                     and s.unit.path.startswith(hub.path)]
            table.append({"hub": hub, "day": day, "cells": cells, "extra": extra,
                          "gaps": sum(1 for c in cells if not c["shifts"])})
    context = {
        "form": form,
        "table": table,
        "roster_days": ROSTER_DAYS,
        "columns": [covered_units(h) for h in hubs],
        "today": today,
        "until": today + timedelta(ROSTER_DAYS),
    }
    return render(request, "worktime/duty.html", context, status=400 if form.is_bound else 200)


@admin_required
@require_POST
def roster_delete(request: HttpRequest, pk: int) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    units, _people = _scope(_hubs(user))
    shift = get_object_or_404(DutyShift, pk=pk)
    if not units.filter(pk=shift.unit_id).exists():  # type: ignore[attr-defined]
        raise Http404(_("没有找到该值班安排。"))
    text = str(shift)
    shift.delete()
    messages.success(request, _("已删除值班：%(shift)s") % {"shift": text})
    return redirect(reverse("worktime:duty"))
