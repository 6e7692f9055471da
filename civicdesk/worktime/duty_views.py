"""The duty roster (值班安排): a calendar of weeks for one unit or one hub.

Who sees what (decided here):
- Admins, dispatchers and leaders see the roster of their hub: the hub itself and every unit
  under it. Admins edit all of it.
- Unit heads see and edit their own unit's roster (and their sub-units').
A hub's calendar shows the hub's own people on duty and, on each day off, the order-taking
units that have no one (the same rule as the home page's 值班缺口 warning).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from civicdesk.lib.picker import render_picker
from civicdesk.org.models import OrgUnit, Role, User
from civicdesk.org.web import current_user
from civicdesk.worktime.duty import HUB_VIEW as _HUB_VIEW
from civicdesk.worktime.duty import covered_units
from civicdesk.worktime.forms import DutyShiftForm
from civicdesk.worktime.limits import work_calendar
from civicdesk.worktime.models import DutyShift, OperatorGroup

WEEKS = 4  # weeks shown at once: a month of weekends, what a center plans ahead


@dataclass
class RosterRights:
    """The units a person may open the roster of, and those they may edit."""

    viewable: list[OrgUnit] = field(default_factory=list)
    editable_paths: list[str] = field(default_factory=list)

    def may_view(self, unit: OrgUnit) -> bool:
        return any(u.pk == unit.pk for u in self.viewable)

    def may_edit(self, unit: OrgUnit) -> bool:
        return any(unit.path.startswith(p) for p in self.editable_paths)


def roster_rights(user: User) -> RosterRights:
    units: dict[int, OrgUnit] = {}
    editable: list[str] = []
    for membership in user.memberships_list:
        if membership.role in _HUB_VIEW:
            hub = membership.unit if membership.unit.is_hub else membership.unit.hub()
            if hub is None:
                continue
            for unit in OrgUnit.objects.filter(path__startswith=hub.path, active=True):
                units[unit.pk] = unit
            if membership.role == Role.ADMIN:
                editable.append(hub.path)
        elif membership.role == Role.UNIT_HEAD:
            for unit in OrgUnit.objects.filter(path__startswith=membership.unit.path, active=True):
                units[unit.pk] = unit
            editable.append(membership.unit.path)
    return RosterRights(sorted(units.values(), key=lambda u: u.path), editable)


def roster_url(unit: OrgUnit | None = None, day: date | None = None) -> str:
    params = {}
    if unit is not None:
        params["unit"] = str(unit.pk)
    if day is not None:
        params["week"] = day.isoformat()
    return reverse("worktime:duty") + ("?" + urlencode(params) if params else "")


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _parse_day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _rights_or_403(user: User) -> RosterRights:
    rights = roster_rights(user)
    if not rights.viewable:
        raise PermissionDenied(_("您没有查看此页面的权限。"))
    return rights


def _chosen(rights: RosterRights, value: str | None) -> OrgUnit:
    if value:
        unit = next((u for u in rights.viewable if str(u.pk) == value), None)
        if unit is None:
            raise Http404(_("没有找到该单位。"))
        return unit
    hubs = [u for u in rights.viewable if u.is_hub]
    return hubs[0] if hubs else rights.viewable[0]


def _people(unit: OrgUnit) -> Any:
    """Who may be put on duty for a unit: its own staff and its sub-units' (as the form checks)."""
    return (
        User.objects.filter(is_active=True, memberships__unit__path__startswith=unit.path)
        .distinct()
        .order_by("display_name", "username")
    )


def _groups(unit: OrgUnit) -> Any:
    """The operator groups a shift of this unit may staff: the hub's own."""
    return OperatorGroup.objects.filter(hub=unit) if unit.is_hub else OperatorGroup.objects.none()


def _weeks(unit: OrgUnit, first: date, today: date) -> list[list[dict[str, Any]]]:
    calendar = work_calendar()
    last = first + timedelta(days=7 * WEEKS - 1)
    shifts = list(
        DutyShift.objects.filter(day__range=(first, last), unit=unit)
        .select_related("user", "group")
        .order_by("starts", "user__username")
    )
    missing: dict[date, list[OrgUnit]] = {}
    if unit.is_hub:  # per hub: which order-taking units have no one on each day off
        units = covered_units(unit)[1:]
        staffed = set(
            DutyShift.objects.filter(day__range=(first, last), unit__in=units, user__is_active=True).values_list(
                "day", "unit_id"
            )
        )
        for n in range(7 * WEEKS):
            day = first + timedelta(days=n)
            missing[day] = [u for u in units if (day, u.pk) not in staffed]
    weeks = []
    for w in range(WEEKS):
        days = []
        for d in range(7):
            day = first + timedelta(days=7 * w + d)
            days.append(
                {
                    "day": day,
                    "workday": calendar.is_workday(day),
                    "past": day < today,
                    "today": day == today,
                    "shifts": [s for s in shifts if s.day == day],
                    "missing": missing.get(day, []),
                }
            )
        weeks.append(days)
    return weeks


@login_required
def roster(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    rights = _rights_or_403(user)
    source = request.POST if request.method == "POST" else request.GET
    unit = _chosen(rights, source.get("unit"))
    today = timezone.localdate()
    first = _monday(_parse_day(source.get("week")) or today)
    may_edit = rights.may_edit(unit)
    form = None
    if may_edit:
        scope = OrgUnit.objects.filter(pk=unit.pk)
        if request.method == "POST":
            form = DutyShiftForm(request.POST, units=scope, people=_people(unit), groups=_groups(unit))
            if form.is_valid():
                shift = form.save(commit=False)
                shift.entered_by = user
                shift.save()
                messages.success(request, _("已添加值班：%(shift)s") % {"shift": shift})
                return redirect(roster_url(unit, first))
        else:
            form = DutyShiftForm(
                initial={"day": source.get("day") or None, "unit": unit.pk},
                units=scope,
                people=_people(unit),
                groups=_groups(unit),
            )
        form.fields["unit"].widget = form.fields["unit"].hidden_widget()
    elif request.method == "POST":
        raise PermissionDenied(_("只有管理员和本单位负责人可以排班。"))
    context = {
        "unit": unit,
        "units": rights.viewable,
        # The same searchable picker as every other page that chooses a unit.
        "unit_picker": render_picker(
            "unit",
            OrgUnit.objects.filter(pk__in=[u.pk for u in rights.viewable]).order_by("path"),
            unit.pk,
            label=lambda u: _("全中心：%(name)s") % {"name": u.name} if u.is_hub else u.name,
            attrs={"id": "roster-unit-picker", "class": "form-select form-select-sm w-auto", "aria-label": _("单位")},
        ),
        "weeks": _weeks(unit, first, today),
        "first": first,
        "last": first + timedelta(days=7 * WEEKS - 1),
        "previous": first - timedelta(days=7 * WEEKS),
        "next": first + timedelta(days=7 * WEEKS),
        "this_week": _monday(today),
        "may_edit": may_edit,
        "form": form,
    }
    return render(request, "worktime/duty.html", context, status=400 if form is not None and form.is_bound else 200)


@login_required
@require_POST
def roster_copy(request: HttpRequest) -> HttpResponse:
    """Copy the week before `week` into `week`: each shift moves seven days on, with its times
    and group, when that day is still ahead and the person is not already on it; a whole-day
    shift only onto a day off (a working day needs a seat shift's times)."""
    user = current_user(request)
    rights = _rights_or_403(user)
    unit = _chosen(rights, request.POST.get("unit"))
    if not rights.may_edit(unit):
        raise PermissionDenied(_("只有管理员和本单位负责人可以排班。"))
    week = _monday(_parse_day(request.POST.get("week")) or timezone.localdate())
    today = timezone.localdate()
    calendar = work_calendar()
    source = DutyShift.objects.filter(day__range=(week - timedelta(7), week - timedelta(1)), unit=unit)
    copied = skipped = 0
    with transaction.atomic():
        for shift in source.select_related("user"):
            day = shift.day + timedelta(7)
            whole_day = shift.starts is None
            if day < today or (whole_day and calendar.is_workday(day)) or not shift.user.is_active:
                skipped += 1
                continue
            try:
                with transaction.atomic():
                    DutyShift.objects.create(
                        day=day,
                        unit=unit,
                        user=shift.user,
                        starts=shift.starts,
                        ends=shift.ends,
                        group=shift.group,
                        note=shift.note,
                        entered_by=user,
                    )
            except IntegrityError:  # already on duty that day
                skipped += 1
            else:
                copied += 1
    if copied or skipped:
        messages.success(
            request,
            _("已从上周复制 %(copied)s 条值班，跳过 %(skipped)s 条（已排、已过去或本周该天是工作日）。")
            % {"copied": copied, "skipped": skipped},
        )
    else:
        messages.warning(request, _("上周没有值班安排可复制。"))
    # Back to the weeks that were on the screen.
    return redirect(roster_url(unit, _parse_day(request.POST.get("shown")) or week))


@login_required
@require_POST
def roster_delete(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    rights = _rights_or_403(user)
    shift = get_object_or_404(DutyShift.objects.select_related("unit"), pk=pk)
    if not rights.may_view(shift.unit):
        raise Http404(_("没有找到该值班安排。"))
    if not rights.may_edit(shift.unit):
        raise PermissionDenied(_("只有管理员和本单位负责人可以排班。"))
    text = str(shift)
    unit, day = shift.unit, shift.day
    shift.delete()
    messages.success(request, _("已删除值班：%(shift)s") % {"shift": text})
    return redirect(roster_url(unit, _monday(day)))
