"""First-dispatch accuracy (首次派单准确率) per category and per unit, by the definition of
civicdesk.statistics.measures: of the orders first dispatched in the period, the share
never returned nor re-dispatched (a sub-dispatch to a sub-unit is not a wrong dispatch).

Per category: the order's category. Per unit: the unit the order was first dispatched to
(the one that got it right or wrong), not its current unit.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from civicdesk.orders.models import Assignment, AssignmentRole, WorkOrder
from civicdesk.statistics.measures import Filters, Period, order_q


@dataclass(frozen=True)
class Row:
    key: int | None
    dispatched: int
    right_first_time: int

    @property
    def accuracy(self) -> float | None:
        return self.right_first_time / self.dispatched if self.dispatched else None


def _population(period: Period, as_of: datetime) -> list[tuple[int, int | None, bool]]:
    """(order id, category id, right first time) of the orders first dispatched in the period."""
    qs = (
        WorkOrder.objects.filter(order_q(Filters()))
        .filter(created_at__lte=as_of, first_dispatched_at__isnull=False, first_dispatched_at__lte=as_of)
        .filter(period.q("first_dispatched_at"))
        .values_list("pk", "category_id", "return_count", "redispatch_count")
    )
    return [(pk, category_id, returns == 0 and redispatches == 0) for pk, category_id, returns, redispatches in qs]


def by_category(period: Period, as_of: datetime) -> dict[int | None, Row]:
    totals: dict[int | None, list[int]] = defaultdict(lambda: [0, 0])
    for _pk, category_id, right in _population(period, as_of):
        totals[category_id][0] += 1
        totals[category_id][1] += 1 if right else 0
    return {k: Row(k, n, r) for k, (n, r) in totals.items()}


def by_first_unit(period: Period, as_of: datetime) -> dict[int | None, Row]:
    rows = _population(period, as_of)
    right = {pk: ok for pk, _c, ok in rows}
    first_unit: dict[int, int | None] = {}
    ids = list(right)
    for start in range(0, len(ids), 5000):
        for order_id, unit_id in (
            Assignment.objects.filter(
                order_id__in=ids[start : start + 5000], role=AssignmentRole.LEAD, parent__isnull=True
            )
            .order_by("order_id", "-dispatched_at", "-pk")
            .values_list("order_id", "unit_id")
        ):
            first_unit[order_id] = unit_id  # ordered newest first: the first dispatch is written last
    totals: dict[int | None, list[int]] = defaultdict(lambda: [0, 0])
    for order_id, ok in right.items():
        first = first_unit.get(order_id)
        totals[first][0] += 1
        totals[first][1] += 1 if ok else 0
    return {k: Row(k, n, r) for k, (n, r) in totals.items()}
