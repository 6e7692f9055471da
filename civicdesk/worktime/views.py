"""The admin's pages for time limits (type × urgency, with category overrides) and the
working calendar (admin-entered days over the State Council schedule).

Saving a CalendarDay or a TimeLimitPolicy takes effect at once: the post_save signal
drops the cached calendar and policies (see WorktimeConfig.ready)."""

from __future__ import annotations

import calendar as month_calendar
from datetime import date
from typing import Any

import chinese_calendar
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from civicdesk.catalogue.models import RequestType, Urgency
from civicdesk.lib.worktime import china_calendar_years, china_is_workday
from civicdesk.org.web import admin_required, current_user
from civicdesk.worktime.forms import CalendarDayForm, ScheduleImportForm, TimeLimitPolicyForm
from civicdesk.worktime.limits import resolve_limit, work_calendar
from civicdesk.worktime.models import CalendarDay, Stage, TimeLimitPolicy, YearSchedule
from civicdesk.worktime.notice import Schedule, parse_notice, parse_rows, table_rows, weekday_name
from civicdesk.worktime.schedule import change_days, first_gap

# ---------------------------------------------------------------------------------------
# Time limits


@admin_required
def limits(request: HttpRequest) -> HttpResponse:
    stage = request.GET.get("stage", Stage.HANDLE)
    if stage not in Stage.values:
        stage = Stage.HANDLE
    policies = list(TimeLimitPolicy.objects.select_related("category__parent__parent"))
    exact = {(p.stage, p.request_type, p.urgency): p for p in policies if p.category_id is None and not p.enterprise}
    table = []
    for request_type, type_label in RequestType.choices:
        cells = []
        for urgency, _label in Urgency.choices:
            row = exact.get((stage, request_type, urgency))
            cells.append(
                {
                    "limit": resolve_limit(stage, request_type, urgency, None),
                    "policy": row,
                    "new_url": reverse("worktime:limit_new")
                    + "?"
                    + urlencode({"stage": stage, "request_type": request_type, "urgency": urgency}),
                }
            )
        table.append({"label": type_label, "cells": cells})
    general = sorted(
        (p for p in policies if p.stage == stage and p.category_id is None and not p.enterprise),
        key=lambda p: (p.request_type, p.urgency),
    )
    overrides = sorted(
        (p for p in policies if p.stage == stage and p.category_id is not None and not p.enterprise),
        key=lambda p: (p.category.code if p.category else "", p.request_type, p.urgency),
    )
    enterprise_rows = sorted(
        (p for p in policies if p.stage == stage and p.enterprise),
        key=lambda p: (p.category.code if p.category else "", p.request_type, p.urgency),
    )
    context = {
        "stages": Stage.choices,
        "stage": stage,
        "stage_label": Stage(stage).label,
        "urgencies": Urgency.choices,
        "table": table,
        "general": general,
        "overrides": overrides,
        "enterprise_rows": enterprise_rows,
    }
    return render(request, "worktime/limits.html", context)


@admin_required
def limit_new(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = TimeLimitPolicyForm(request.POST)
        if form.is_valid():
            policy = form.save()
            messages.success(request, _("已添加时限规则：%(policy)s") % {"policy": policy})
            return redirect(reverse("worktime:limits") + "?stage=" + policy.stage)
    else:
        initial: dict[str, Any] = {k: request.GET.get(k, "") for k in ("stage", "request_type", "urgency", "category")}
        initial["enterprise"] = request.GET.get("enterprise") == "1"
        stage, request_type, urgency = initial["stage"], initial["request_type"], initial["urgency"]
        if stage in Stage.values:
            current = resolve_limit(stage, request_type or RequestType.COMPLAINT, urgency or Urgency.NORMAL, None)
            initial.update(amount=current.amount, unit=current.unit.value)
        form = TimeLimitPolicyForm(initial=initial)
    return render(
        request,
        "worktime/limit_form.html",
        {"form": form, "title": _("添加时限规则")},
        status=400 if form.is_bound else 200,
    )


@admin_required
def limit_edit(request: HttpRequest, pk: int) -> HttpResponse:
    policy = get_object_or_404(TimeLimitPolicy, pk=pk)
    if request.method == "POST":
        form = TimeLimitPolicyForm(request.POST, instance=policy)
        if form.is_valid():
            policy = form.save()
            messages.success(request, _("已保存时限规则：%(policy)s") % {"policy": policy})
            return redirect(reverse("worktime:limits") + "?stage=" + policy.stage)
    else:
        form = TimeLimitPolicyForm(instance=policy)
    return render(
        request,
        "worktime/limit_form.html",
        {"form": form, "title": _("修改时限规则"), "policy": policy},
        status=400 if form.is_bound else 200,
    )


@admin_required
@require_POST
def limit_delete(request: HttpRequest, pk: int) -> HttpResponse:
    policy = get_object_or_404(TimeLimitPolicy, pk=pk)
    stage = policy.stage
    text = str(policy)
    policy.delete()
    messages.success(request, _("已删除时限规则：%(policy)s（改为沿用更一般的规则）") % {"policy": text})
    return redirect(reverse("worktime:limits") + "?stage=" + stage)


# ---------------------------------------------------------------------------------------
# The working calendar

_HOLIDAY_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利纪念日",
}


def _holiday_name(day: date) -> str:
    try:
        _is_holiday, name = chinese_calendar.get_holiday_detail(day)
    except NotImplementedError:
        return ""
    return _HOLIDAY_NAMES.get(name, name) if name else ""


def _month(value: str | None, today: date) -> tuple[int, int]:
    try:
        year, month = (int(part) for part in (value or "").split("-"))
        if 1 <= month <= 12 and 2000 <= year <= 2100:
            return year, month
    except ValueError:
        pass
    return today.year, today.month


def month_grid(year: int, month: int, overrides: dict[date, CalendarDay]) -> list[list[dict[str, Any]]]:
    """The weeks of a month (Monday first): each day with the State Council schedule, the
    admin's override if any, and the result the deadlines use."""
    calendar = work_calendar()
    weeks = []
    for week in month_calendar.Calendar(firstweekday=0).monthdatescalendar(year, month):
        days = []
        for day in week:
            override = overrides.get(day)
            base = china_is_workday(day)
            workday = calendar.is_workday(day)
            days.append(
                {
                    "day": day,
                    "in_month": day.month == month,
                    "workday": workday,
                    "base_workday": base,
                    "override": override,
                    "holiday": _holiday_name(day) if not base else "",
                    # A weekend the schedule makes a working day (调休上班).
                    "adjusted": workday and day.weekday() >= 5,
                }
            )
        weeks.append(days)
    return weeks


@admin_required
def calendar_view(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    year, month = _month(request.GET.get("month"), today)
    try:
        list_year = int(request.GET.get("year") or today.year + 1)
    except ValueError:
        list_year = today.year + 1
    if request.method == "POST":
        form = CalendarDayForm(request.POST)
        if form.is_valid():
            day = _save_day(request, form)
            messages.success(request, _("已添加日历调整：%(day)s") % {"day": day})
            return redirect(reverse("worktime:calendar") + f"?month={day.day:%Y-%m}&year={day.day.year}")
    else:
        form = CalendarDayForm(initial={"day": request.GET.get("day") or None})
    overrides = {d.day: d for d in CalendarDay.objects.filter(day__year__in={year, list_year})}
    first, last = china_calendar_years()
    previous = date(year - 1, 12, 1) if month == 1 else date(year, month - 1, 1)
    following = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    context = {
        "form": form,
        "weeks": month_grid(year, month, overrides),
        "month_start": date(year, month, 1),
        "previous": f"{previous:%Y-%m}",
        "following": f"{following:%Y-%m}",
        "weekdays": [_("一"), _("二"), _("三"), _("四"), _("五"), _("六"), _("日")],
        "list_year": list_year,
        "years": [today.year, today.year + 1, today.year + 2],
        "listed": CalendarDay.objects.filter(day__year=list_year).select_related("entered_by").order_by("day"),
        "covered": (first, last),
        "list_year_covered": first <= list_year <= last,
        "list_year_entered": YearSchedule.objects.filter(year=list_year).select_related("entered_by").first(),
        "month_covered": first <= year <= last,
        "today": today,
    }
    return render(request, "worktime/calendar.html", context, status=400 if form.is_bound else 200)


def _save_day(request: HttpRequest, form: CalendarDayForm, moved_from: date | None = None) -> CalendarDay:
    """One day through the shared path, so the deadlines that depend on it follow."""
    day: date = form.cleaned_data["day"]
    entry = CalendarDay(day=day, is_workday=form.cleaned_data["is_workday"], note=form.cleaned_data["note"])
    remove = [moved_from] if moved_from is not None and moved_from != day else []
    change_days(
        {day: (entry.is_workday, entry.note)},
        remove=remove,
        actor=current_user(request),
        reason=_("工作日历调整：%(day)s") % {"day": entry},
    )
    return CalendarDay.objects.get(day=day)


@admin_required
@require_POST
def calendar_year_done(request: HttpRequest) -> HttpResponse:
    """The admin who entered a year day by day says it is complete: the warning stops."""
    try:
        year = int(request.POST.get("year", ""))
    except ValueError:
        year = 0
    # A missing or impossible year (0 is not a date's year: the lookup would raise) is "nothing entered".
    if not 1 <= year <= 9999 or not CalendarDay.objects.filter(day__year=year).exists():
        messages.error(request, _("%(year)s 年还没有录入任何日子。") % {"year": year})
        return redirect(reverse("worktime:calendar"))
    YearSchedule.objects.get_or_create(
        year=year, defaults={"source": YearSchedule.Source.DAYS, "entered_by": request.user}
    )
    messages.success(request, _("已确认 %(year)s 年的节假日安排录入完毕。") % {"year": year})
    return redirect(reverse("worktime:calendar") + f"?month={year}-01&year={year}")


@admin_required
def calendar_edit(request: HttpRequest, pk: int) -> HttpResponse:
    entry = get_object_or_404(CalendarDay, pk=pk)
    if request.method == "POST":
        form = CalendarDayForm(request.POST, instance=entry)
        if form.is_valid():
            old_day = entry.day
            day = _save_day(request, form, moved_from=old_day)
            messages.success(request, _("已保存日历调整：%(day)s") % {"day": day})
            return redirect(reverse("worktime:calendar") + f"?month={day.day:%Y-%m}&year={day.day.year}")
    else:
        form = CalendarDayForm(instance=entry)
    return render(
        request, "worktime/calendar_form.html", {"form": form, "entry": entry}, status=400 if form.is_bound else 200
    )


@admin_required
@require_POST
def calendar_delete(request: HttpRequest, pk: int) -> HttpResponse:
    entry = get_object_or_404(CalendarDay, pk=pk)
    text, day = str(entry), entry.day
    change_days({}, remove=[day], actor=current_user(request), reason=_("工作日历调整：删除 %(day)s") % {"day": text})
    messages.success(request, _("已删除日历调整：%(day)s（恢复按国务院安排）") % {"day": text})
    return redirect(reverse("worktime:calendar") + f"?month={day:%Y-%m}&year={day.year}")


# ---------------------------------------------------------------------------------------
# A year's schedule from the State Council notice or a table


def _parse(kind: str, text: str, year: int) -> Schedule:
    if kind == ScheduleImportForm.TABLE:
        return parse_rows(table_rows(text), year)
    return parse_notice(text, year)


@admin_required
def calendar_import(request: HttpRequest) -> HttpResponse:
    """Paste the notice (or upload the table), check the preview line by line, then save.

    The preview is computed again from the same text when saving, never taken from the
    browser; lines the admin unticks are left out."""
    today = timezone.localdate()
    if request.method != "POST":
        try:
            year = int(request.GET.get("year") or first_gap(today).year)
        except ValueError:
            year = today.year + 1
        form = ScheduleImportForm(initial={"year": year, "kind": ScheduleImportForm.NOTICE})
        return render(request, "worktime/calendar_import.html", {"form": form})
    form = ScheduleImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(request, "worktime/calendar_import.html", {"form": form}, status=400)
    year, kind, text = form.cleaned_data["year"], form.cleaned_data["kind"], form.cleaned_data["text"]
    schedule = _parse(kind, text, year)
    # The preview ticks every line; a line the admin unticked stays out of the saved schedule.
    taken = set(request.POST.getlist("take"))
    # A new preview (the text may have changed) starts with every line ticked again.
    reviewed = "reviewed" in request.POST and "save" in request.POST
    skipped = {f"{d.day:%Y-%m-%d}" for d in schedule.days} - taken if reviewed else set()
    chosen = [d for d in schedule.days if f"{d.day:%Y-%m-%d}" not in skipped]
    if "save" in request.POST and not schedule.problems and chosen:
        source = YearSchedule.Source.TABLE if kind == ScheduleImportForm.TABLE else YearSchedule.Source.NOTICE
        reason = _("录入 %(year)s 年节假日安排（%(source)s）") % {"year": year, "source": source.label}
        change = change_days(
            {d.day: (d.is_workday, d.note) for d in chosen},
            actor=current_user(request),
            reason=reason,
            year=(year, source, text),
        )
        messages.success(
            request,
            _(
                "已录入 %(year)s 年节假日安排：%(rest)s 个放假日，%(work)s 个调休上班日；"
                "%(orders)s 件在办工单的时限已随之调整。"
            )
            % {
                "year": year,
                "rest": sum(1 for d in chosen if not d.is_workday),
                "work": sum(1 for d in chosen if d.is_workday),
                "orders": change.orders_moved,
            },
        )
        return redirect(reverse("worktime:calendar") + f"?month={year}-01&year={year}")
    current = work_calendar()
    entered = {d.day: d for d in CalendarDay.objects.filter(day__in=[d.day for d in schedule.days])}
    lines = [
        {
            "entry": d,
            "weekday": weekday_name(d.day),
            "skipped": f"{d.day:%Y-%m-%d}" in skipped,
            "changes": current.is_workday(d.day) != d.is_workday,
            "entered": entered.get(d.day),
        }
        for d in schedule.days
    ]
    others = CalendarDay.objects.filter(day__year=year).exclude(day__in=[d.day for d in schedule.days])
    context = {
        "form": form,
        "schedule": schedule,
        "lines": lines,
        "others": others,
        "year": year,
        "kind": kind,
        "text": text,
        "already": YearSchedule.objects.filter(year=year).first(),
        "rest_count": sum(1 for d in schedule.days if not d.is_workday),
        "work_count": sum(1 for d in schedule.days if d.is_workday),
    }
    status = 400 if schedule.problems or "save" in request.POST else 200
    return render(request, "worktime/calendar_preview.html", context, status=status)
