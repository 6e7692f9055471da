"""Per-unit counts of the center's procedures on an order: 退单异议 (objections to a refused
return and how the second level ruled) and 疑难件会商 (views given at consultations, and
how many came after their deadline).

Each count is of events in the period, by the unit the event names (data["unit"]), with
the orders behind it for a drill-down. The monthly assessment deducts for each rejected
objection ("reject_objection"); the population rule of the other measures applies (merged,
void, transferred and withdrawn orders are not counted).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q

from civicdesk.orders.models import OrderEvent
from civicdesk.org.models import OrgUnit
from civicdesk.statistics.measures import EXCLUDED_STATES, Period

# Count name → (the event actions it counts, an extra condition on the event).
COUNTS: dict[str, tuple[tuple[str, ...], Q]] = {
    "objections": (("object_to_refusal",), Q()),
    "objections_upheld": (("uphold_objection",), Q()),
    "objections_rejected": (("reject_objection",), Q()),
    "views": (("give_view",), Q()),
    "views_late": (("give_view",), Q(data__on_time=False)),
}


@dataclass
class UnitProcedures:
    unit_id: int
    # Count name → ids of the orders behind it (an order repeats if counted twice).
    orders: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))

    def count(self, name: str) -> int:
        return len(self.orders.get(name, []))


def unit_procedures(
    period: Period | None = None, *, hub: OrgUnit | None = None, using: str = "default"
) -> dict[int, UnitProcedures]:
    """Unit id → its counts in `period` (events by their moment), for the orders of `hub`
    and the hubs below it (every hub when None)."""
    period = period or Period()
    result: dict[int, UnitProcedures] = {}
    base = OrderEvent.objects.using(using).filter(period.q("at")).exclude(order__state__in=EXCLUDED_STATES)
    if hub is not None:
        base = base.filter(order__hub__path__startswith=hub.path)
    for name, (actions, condition) in COUNTS.items():
        rows = base.filter(condition, action__in=actions).order_by("at", "pk").values_list("data", "order_id")
        for data, order_id in rows:
            unit = data.get("unit") if isinstance(data, dict) else None
            if not isinstance(unit, int):
                continue
            result.setdefault(unit, UnitProcedures(unit)).orders[name].append(order_id)
    return result
