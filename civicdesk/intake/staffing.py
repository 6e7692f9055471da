"""The seat schedule's hourly staffing: the operators each hour of a day needs by Erlang C
(civicdesk.lib.erlang), beside the operators the roster plans for it (civicdesk.worktime:
seat shifts of working days and the day-off roster alike).

The need comes from the call measures (civicdesk.intake.callmeasures.hourly): an hour's
offered calls are the average of the same hour on the same weekday over the last few weeks
(a Monday morning is not a Sunday night), and its talk time the average talk of the calls
answered in that hour then (the whole window's average when the hour had too few, a fixed
default when there were none); a group that names its queue counts that queue's calls. The
arithmetic is the pure Erlang C functions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from civicdesk.intake.callmeasures import hourly
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


@dataclass(frozen=True)
class HourHistory:
    """One hour of the day summed over the days looked at."""

    offered: int = 0
    answered: int = 0
    talk_seconds: float = 0.0  # the answered calls' talk, summed


def demand_from(history: list[HourHistory], days: int) -> list[Demand]:
    """Per hour of the day: offered calls (answered or not) divided by the number of days looked
    at, and the average talk of those answered (pure: the arithmetic of the forecast)."""
    answered = sum(h.answered for h in history)
    overall = sum(h.talk_seconds for h in history) / answered if answered else DEFAULT_TALK_SECONDS
    return [
        Demand(
            h.offered / days if days else 0.0,
            h.talk_seconds / h.answered if h.answered >= MIN_CALLS_FOR_HOURLY_TALK else overall,
        )
        for h in history
    ]


def forecast(hub: OrgUnit, day: date, weeks: int = HISTORY_WEEKS, queue: str | None = None) -> list[Demand]:
    """The hub's expected calls for each hour of `day` (of one queue when given), from the
    same weekday's history in the call measures (counted from the calls: the rollups may be a
    sweep behind, and four days of one hub are quick to count)."""
    days = history_days(day, weeks)
    offered, answered, talk = [0] * 24, [0] * 24, [0.0] * 24
    for past in days:
        for figure in hourly(hub, past, past, queue=queue, live=True):
            offered[figure.hour] += figure.offered
            if figure.avg_talk_seconds is not None and figure.answered:
                answered[figure.hour] += figure.answered
                talk[figure.hour] += figure.avg_talk_seconds * figure.answered
    return demand_from([HourHistory(offered[h], answered[h], talk[h]) for h in range(24)], len(days))


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
    queue = group.queue if group is not None and group.queue else None
    return plan_hours(forecast(hub, day, queue=queue), planned, target_of(group))
