"""Which time limit applies, and the center's working calendar as one object."""

from __future__ import annotations

import time as _time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.translation import gettext as _

from civicdesk.catalogue.models import Category, RequestType, Urgency, forget_trees
from civicdesk.lib.worktime import (
    BusinessHours,
    LimitUnit,
    WorkCalendar,
    china_is_workday,
    with_overrides,
)
from civicdesk.worktime.models import CalendarDay, Stage, TimeLimitPolicy


@dataclass(frozen=True)
class Limit:
    amount: float
    unit: LimitUnit

    def __str__(self) -> str:
        names = {
            LimitUnit.WORKING_HOURS: _("%(n)s个工作小时"),
            LimitUnit.WORKING_DAYS: _("%(n)s个工作日"),
            LimitUnit.CALENDAR_HOURS: _("%(n)s小时"),
        }
        return names[self.unit] % {"n": f"{self.amount:g}"}


_WH, _WD, _CH = LimitUnit.WORKING_HOURS, LimitUnit.WORKING_DAYS, LimitUnit.CALENDAR_HOURS

# Defaults from the field (DESIGN.md §5) for when admins have entered nothing more specific.
_HANDLE_BY_TYPE = {
    RequestType.ENQUIRY: Limit(2, _WD),
    RequestType.HELP: Limit(10, _WD),
    RequestType.SUGGESTION: Limit(10, _WD),
    RequestType.COMPLAINT: Limit(15, _WD),
    RequestType.REPORT: Limit(15, _WD),
    RequestType.PRAISE: Limit(5, _WD),
}
_BUILT_IN: dict[tuple[str, str], Limit] = {
    # (stage, urgency) → limit; the handling limit of normal orders depends on the type.
    (Stage.SIGN, Urgency.NORMAL): Limit(2, _WH),
    # Urgent and emergency orders run on the 7×24 duty clock (ROUND_THE_CLOCK below).
    (Stage.SIGN, Urgency.URGENT): Limit(1, _CH),
    (Stage.SIGN, Urgency.EMERGENCY): Limit(0.5, _CH),
    (Stage.HANDLE, Urgency.URGENT): Limit(24, _CH),
    (Stage.HANDLE, Urgency.EMERGENCY): Limit(2, _CH),
}
_BUILT_IN_ANY_URGENCY = {
    Stage.RETURN: Limit(2, _WD),
    Stage.EXTENSION_CAP: Limit(10, _WD),
    Stage.CALLBACK: Limit(1, _WD),
}


# An assisting unit's part: three working days (capped at the lead's own deadline, see
# civicdesk.orders.joint), unless the order is urgent, when the handling limit applies.
_PART_NORMAL = Limit(3, _WD)


# 7×24 duty (DESIGN.md §5): an urgent or emergency order is signed for and handled in clock
# time, at night and on days off, by whoever the duty roster names. Only these stages run on
# that clock; returning, extending and calling back stay working-time steps of the hub.
ROUND_THE_CLOCK_URGENCIES = frozenset({Urgency.URGENT, Urgency.EMERGENCY})
ROUND_THE_CLOCK_STAGES = frozenset({Stage.SIGN, Stage.HANDLE, Stage.PART})


def round_the_clock(stage: str, urgency: str) -> bool:
    """Whether this stage of an order of this urgency counts clock time, never working time."""
    return urgency in ROUND_THE_CLOCK_URGENCIES and stage in ROUND_THE_CLOCK_STAGES


def built_in_limit(stage: str, request_type: str, urgency: str) -> Limit:
    if stage == Stage.PART:
        if urgency == Urgency.NORMAL:
            return _PART_NORMAL
        return built_in_limit(Stage.HANDLE, request_type, urgency)
    if stage in _BUILT_IN_ANY_URGENCY:
        return _BUILT_IN_ANY_URGENCY[Stage(stage)]
    found = _BUILT_IN.get((stage, urgency))
    if found is not None:
        return found
    return _HANDLE_BY_TYPE.get(RequestType(request_type), Limit(15, _WD))


def resolve_limit(
    stage: str, request_type: str, urgency: str, category: Category | None, *, enterprise: bool = False
) -> Limit:
    """The most specific policy: category (nearest first) beats none; within the same
    category, an enterprise-request (涉企) row beats one for all orders (it applies only when
    `enterprise`); then type+urgency beats type beats urgency beats neither.

    On the 7×24 clock (round_the_clock) only rows counted in clock hours apply: a row for all
    urgencies in working days (say, a category's 5 working days) must not turn an urgent
    order's night into Monday morning; the urgent default or a clock-hour row wins instead."""
    global _limits_of, _limits
    lineage = category.lineage_ids() if category is not None else ()
    policies = _policies()
    if _limits_of is not policies:
        # Answers for the policy rows of the moment; new rows, new answers.
        _limits_of, _limits = policies, {}
    key = (stage, request_type, urgency, lineage, enterprise)
    found = _limits.get(key)
    if found is None:
        found = _limits[key] = _most_specific(policies, stage, request_type, urgency, list(lineage), enterprise)
    return found


# resolve_limit's answers by (stage, type, urgency, category lineage, enterprise), for the
# policy rows they were read from: every move asks, for a handful of different orders.
_limits_of: list[TimeLimitPolicy] | None = None
_limits: dict[tuple[str, str, str, tuple[int, ...], bool], Limit] = {}


def _most_specific(
    policies: list[TimeLimitPolicy], stage: str, request_type: str, urgency: str, lineage: list[int], enterprise: bool
) -> Limit:
    clock_only = round_the_clock(stage, urgency)
    allowed_categories = {*lineage, None}
    rows = [
        row
        for row in policies
        if row.stage == stage
        and row.request_type in (request_type, "")
        and row.urgency in (urgency, "")
        and row.category_id in allowed_categories
        and (enterprise or not row.enterprise)
        and (not clock_only or row.unit == LimitUnit.CALENDAR_HOURS)
    ]
    if not rows:
        return built_in_limit(stage, request_type, urgency)
    order = {pk: i for i, pk in enumerate(lineage)}

    def specificity(row: TimeLimitPolicy) -> tuple[int, int, int, int]:
        cat_rank = order.get(row.category_id, len(lineage)) if row.category_id else len(lineage)
        return (cat_rank, 0 if row.enterprise else 1, 0 if row.request_type else 1, 0 if row.urgency else 1)

    best = min(rows, key=specificity)
    return Limit(float(best.amount), LimitUnit(best.unit))


_calendar_cache: tuple[float, WorkCalendar] | None = None
_policy_cache: tuple[float, list[TimeLimitPolicy]] | None = None
_CALENDAR_TTL_SECONDS = 30.0


def work_calendar(*, fresh: bool = False) -> WorkCalendar:
    """The center's calendar: State Council schedule + admin overrides + business hours.

    Cached per process for a few seconds: overrides change a few times a year, and every
    action needs the calendar. `fresh=True` (used after an admin edit) reloads it.
    """
    global _calendar_cache
    now = _time.monotonic()
    if not fresh and _calendar_cache is not None and now - _calendar_cache[0] < _CALENDAR_TTL_SECONDS:
        return _calendar_cache[1]
    calendar = calendar_with(dict(CalendarDay.objects.values_list("day", "is_workday")))
    _calendar_cache = (now, calendar)
    return calendar


def calendar_with(overrides: Mapping[date, bool]) -> WorkCalendar:
    """The center's calendar with these admin-entered days (work_calendar reads them from the
    database; a schedule change keeps the calendar from before it to compare deadlines)."""
    return WorkCalendar(
        BusinessHours.parse(settings.CIVICDESK_BUSINESS_HOURS),
        ZoneInfo(settings.TIME_ZONE),
        with_overrides(china_is_workday, dict(overrides)),
    )


def _policies() -> list[TimeLimitPolicy]:
    """All time-limit rows (a few dozen), cached like the calendar: every move needs them."""
    global _policy_cache
    now = _time.monotonic()
    if _policy_cache is not None and now - _policy_cache[0] < _CALENDAR_TTL_SECONDS:
        return _policy_cache[1]
    rows = list(TimeLimitPolicy.objects.all())
    _policy_cache = (now, rows)
    return rows


def forget_calendar() -> None:
    """Drop the cached calendar, policies and trees (after an admin edit, or between tests)."""
    global _calendar_cache, _policy_cache
    _calendar_cache = None
    _policy_cache = None
    forget_trees()
