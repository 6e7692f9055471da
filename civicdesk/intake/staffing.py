"""The seat schedule's hourly staffing: the operators each hour of a day needs by Erlang C
(civicdesk.lib.erlang), beside the operators the roster plans for it (civicdesk.worktime:
seat shifts of working days and the day-off roster alike).

The need comes from the calls: an hour's offered calls are the average of the same hour on
the same weekday over the last few weeks (a Monday morning is not a Sunday night), and its
talk time the average talk of the calls answered in that hour then (the whole window's
average when the hour had too few, a fixed default when there were none). Only the call
history is read here; the arithmetic is the pure Erlang C functions.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.utils import timezone

from civicdesk.intake.models import Call
from civicdesk.lib.erlang import Staffing, Target, agents_needed, evaluate
from civicdesk.org.models import OrgUnit
from civicdesk.worktime.duty import planned_per_hour
from civicdesk.worktime.models import DutyShift, OperatorGroup

HISTORY_WEEKS = 4  # same weekdays looked back on: a month, steady but recent
DEFAULT_TALK_SECONDS = 180.0  # a 12345 call's usual length, when no call was answered yet
MIN_CALLS_FOR_HOURLY_TALK = 5  # fewer answered calls than this in an hour: use the day's average


@dataclass(frozen=True)
class Demand:
    """One hour's expected calls: offered per hour and average talk seconds."""

    calls_per_hour: float
    talk_seconds: float


@dataclass(frozen=True)
class HourPlan:
    hour: int
    demand: Demand
    planned: int
    suggested: Staffing
    at_planned: Staffing

    @property
    def short(self) -> int:
        """Operators missing against the suggestion (0 when the plan reaches it)."""
        return max(0, self.suggested.agents - self.planned)


def target_of(group: OperatorGroup | None) -> Target:
    if group is None:
        return Target()
    return Target(
        answer_seconds=group.answer_seconds,
        level=group.service_level / 100,
        connection=group.connection / 100,
        patience_seconds=group.patience_seconds,
    )


def history_days(day: date, weeks: int = HISTORY_WEEKS) -> list[date]:
    return [day - timedelta(days=7 * n) for n in range(1, weeks + 1)]


def demand_from(calls: Iterable[tuple[datetime, datetime | None, datetime | None]], days: int) -> list[Demand]:
    """Per hour of the day: offered calls (started in that hour, answered or not) divided by
    the number of days looked at, and the average talk (answer to hang-up) of those answered.
    `calls` are (started, answered, ended) moments."""
    offered = [0] * 24
    talks: dict[int, list[float]] = defaultdict(list)
    for started, answered, ended in calls:
        hour = timezone.localtime(started).hour
        offered[hour] += 1
        if answered is not None and ended is not None and ended > answered:
            talks[hour].append((ended - answered).total_seconds())
    everything = [t for hour_talks in talks.values() for t in hour_talks]
    overall = sum(everything) / len(everything) if everything else DEFAULT_TALK_SECONDS
    result = []
    for hour in range(24):
        hour_talks = talks.get(hour, [])
        talk = sum(hour_talks) / len(hour_talks) if len(hour_talks) >= MIN_CALLS_FOR_HOURLY_TALK else overall
        result.append(Demand(offered[hour] / days if days else 0.0, talk))
    return result


def forecast(hub: OrgUnit, day: date, weeks: int = HISTORY_WEEKS) -> list[Demand]:
    """The hub's expected calls for each hour of `day`, from the same weekday's history."""
    days = history_days(day, weeks)
    tz = timezone.get_current_timezone()
    moments = Call.objects.none()
    for past in days:
        start = datetime.combine(past, datetime.min.time(), tzinfo=tz)
        moments = moments | Call.objects.filter(hub=hub, started_at__gte=start, started_at__lt=start + timedelta(1))
    rows = moments.values_list("started_at", "answered_at", "ended_at")
    return demand_from(rows, len(days))


def planned_shifts(hub: OrgUnit, day: date, group: OperatorGroup | None) -> list[DutyShift]:
    """The hub's shifts that may cover an hour of `day` (the night before's included)."""
    shifts = DutyShift.objects.filter(unit=hub, day__in=(day, day - timedelta(1)), user__is_active=True)
    if group is not None:
        shifts = shifts.filter(group=group)
    return list(shifts)


def plan_hours(demand: list[Demand], planned: list[int], target: Target) -> list[HourPlan]:
    """The suggestion beside the plan, hour by hour (pure: demand and plan in, rows out)."""
    return [
        HourPlan(
            hour=hour,
            demand=need,
            planned=planned[hour],
            suggested=agents_needed(need.calls_per_hour, need.talk_seconds, target),
            at_planned=evaluate(planned[hour], need.calls_per_hour, need.talk_seconds, target),
        )
        for hour, need in enumerate(demand)
    ]


def day_plan(hub: OrgUnit, day: date, group: OperatorGroup | None = None) -> list[HourPlan]:
    planned = planned_per_hour(planned_shifts(hub, day, group), day)
    return plan_hours(forecast(hub, day), planned, target_of(group))
