"""Quality figures: average scores per operator and per team (operator group) week by week,
and the most common deductions. Scored and decided inspections count with their current
score (an appeal's decision replaces the first one); withdrawn deductions do not count."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Count, Sum

from civicdesk.org.models import OrgUnit, User
from civicdesk.quality.models import Deduction, Inspection, InspectionState
from civicdesk.quality.sampling import monday
from civicdesk.worktime.models import OperatorGroup

SCORED_STATES = (InspectionState.SCORED, InspectionState.APPEALED, InspectionState.FINAL)
TOP = 10


@dataclass
class Line:
    """One operator's or team's weekly averages (None: nothing scored that week)."""

    name: str
    weeks: list[float | None] = field(default_factory=list)
    count: int = 0
    average: float | None = None


def weeks_ending(last: date, count: int) -> list[date]:
    end = monday(last)
    return [end - timedelta(days=7 * n) for n in reversed(range(count))]


def _line(name: str, scores_by_week: dict[date, list[int]], weeks: list[date]) -> Line:
    every = [s for week in weeks for s in scores_by_week.get(week, [])]
    return Line(
        name=name,
        weeks=[(sum(scores_by_week[w]) / len(scores_by_week[w])) if scores_by_week.get(w) else None for w in weeks],
        count=len(every),
        average=sum(every) / len(every) if every else None,
    )


def score_lines(hub: OrgUnit, weeks: list[date]) -> tuple[list[Line], list[Line]]:
    """(per operator, per team) over these weeks."""
    rows = Inspection.objects.filter(hub=hub, state__in=SCORED_STATES, week__in=weeks).values_list(
        "operator_id", "week", "score"
    )
    by_operator: dict[int, dict[date, list[int]]] = defaultdict(lambda: defaultdict(list))
    for operator_id, week, score in rows:
        if score is not None:
            by_operator[operator_id][week].append(score)
    names = {u.pk: str(u) for u in User.objects.filter(pk__in=by_operator)}
    operators = sorted(
        (_line(names.get(pk, "?"), scores, weeks) for pk, scores in by_operator.items()), key=lambda line: line.name
    )
    teams = []
    for group in OperatorGroup.objects.filter(hub=hub).prefetch_related("members"):
        merged: dict[date, list[int]] = defaultdict(list)
        for member in group.members.all():
            for week, scores in by_operator.get(member.pk, {}).items():
                merged[week] += scores
        teams.append(_line(group.name, merged, weeks))
    return operators, teams


@dataclass(frozen=True)
class CommonDeduction:
    text: str
    item: str
    times: int
    points: int


def top_deductions(hub: OrgUnit, weeks: list[date], limit: int = TOP) -> list[CommonDeduction]:
    rows = (
        Deduction.objects.filter(
            inspection__hub=hub, inspection__week__in=weeks, inspection__state__in=SCORED_STATES, withdrawn=False
        )
        .values("reason__text", "reason__item__name")
        .annotate(times=Count("pk"), points=Sum("points"))
        .order_by("-times", "-points", "reason__text")[:limit]
    )
    return [CommonDeduction(r["reason__text"], r["reason__item__name"], r["times"], r["points"]) for r in rows]
