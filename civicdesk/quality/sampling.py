"""The sampling rule: which of a week's answered calls go into the inspection queue.

Per operator and week: every call whose order is a complaint (投诉) or whose callback found
the caller unsatisfied (when the rule says so), and of the other answered calls a share
(5 % by default, at least `minimum`) drawn at random. The draw is seeded by the hub, the week,
the operator and the rule's seed, over the calls in id order, so running it again — the
weekly sweep and an inspector's button alike — draws the same calls; calls already in the
queue stay as they are (a callback found unsatisfied later is added by the next run).
"""

from __future__ import annotations

import math
import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone

from civicdesk.catalogue.models import RequestType
from civicdesk.intake.models import Call, CallState
from civicdesk.orders.models import Satisfaction
from civicdesk.org.models import OrgUnit
from civicdesk.quality.models import Picked, SamplingRule


@dataclass(frozen=True)
class Rule:
    percent: Decimal = Decimal(5)
    minimum: int = 1
    complaints: bool = True
    unsatisfied: bool = True
    seed: str = ""


def rule_for(hub: OrgUnit) -> Rule:
    row = SamplingRule.objects.filter(hub=hub).first() or SamplingRule.objects.filter(hub__isnull=True).first()
    if row is None:
        return Rule()
    return Rule(row.percent, row.minimum, row.complaints, row.unsatisfied, row.seed)


def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


@dataclass(frozen=True)
class Candidate:
    call_id: int  # Call.pk
    operator_id: int
    must: Picked | None  # why it must be inspected, or None: only by the draw


def draw(candidates: list[Candidate], rule: Rule, seed: str) -> list[tuple[Candidate, Picked]]:
    """The calls to inspect among one week's answered calls of a hub (pure: no database)."""
    by_operator: dict[int, list[Candidate]] = defaultdict(list)
    for candidate in candidates:
        by_operator[candidate.operator_id].append(candidate)
    chosen: list[tuple[Candidate, Picked]] = []
    for operator_id in sorted(by_operator):
        calls = sorted(by_operator[operator_id], key=lambda c: c.call_id)
        chosen += [(c, c.must) for c in calls if c.must is not None]
        # The share is of all the operator's calls; the calls that must be inspected are extra.
        wanted = max(rule.minimum, math.ceil(len(calls) * rule.percent / 100)) if rule.percent > 0 else 0
        others = [c for c in calls if c.must is None]
        rng = random.Random(f"{seed}:{operator_id}")
        chosen += [(c, Picked.RANDOM) for c in rng.sample(others, min(wanted, len(others)))]
    return chosen


def candidates(hub: OrgUnit, week: date, rule: Rule, *, must_only: bool = False) -> list[Candidate]:
    """The hub's answered calls of the week with an operator, and why each must be inspected
    (`must_only`: just the complaints and unsatisfied callbacks, a quick query)."""
    tz = timezone.get_current_timezone()
    start = datetime.combine(week, datetime.min.time(), tzinfo=tz)
    rows = Call.objects.filter(
        hub=hub,
        state=CallState.COMPLETED,
        agent__isnull=False,
        started_at__gte=start,
        started_at__lt=start + timedelta(7),
    )
    if must_only:
        rows = rows.filter(
            Q(order__request_type=RequestType.COMPLAINT) | Q(order__callback_satisfaction=Satisfaction.UNSATISFIED)
        )
    values = rows.values_list("pk", "agent_id", "order__request_type", "order__callback_satisfaction")
    found = []
    for pk, agent_id, request_type, satisfaction in values:
        must: Picked | None = None
        if rule.complaints and request_type == RequestType.COMPLAINT:
            must = Picked.COMPLAINT
        elif rule.unsatisfied and satisfaction == Satisfaction.UNSATISFIED:
            must = Picked.UNSATISFIED
        found.append(Candidate(pk, agent_id, must))
    return found


def seed_for(hub: OrgUnit, week: date, rule: Rule) -> str:
    return f"{hub.pk}:{week.isoformat()}:{rule.seed}"
