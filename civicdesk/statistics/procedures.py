"""Per-unit counts of the center's procedures on an order: 退单异议 (objections to a refused
return and how the second level ruled), 疑难件会商 (views given at consultations, and how
many came after their deadline), 领导批示 and 督办单 (and those escalated as overdue).

The counts are measures of measures.py (measures.PROCEDURES: which moves each counts),
charged to the unit the move's event names (data["unit"]); this module gives them for
every unit at once, and the 程序事项 page (civicdesk.statistics.views.procedures_page)
per unit under the hub, each opening into its orders. The monthly assessment deducts for
each rejected objection ("reject_objection").
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.utils import timezone

from civicdesk.org.models import OrgUnit
from civicdesk.statistics.measures import PROCEDURES, Config, Context, Filters, Period, procedure_events

# The procedure measures in the order the page shows them.
PROCEDURE_CODES: tuple[str, ...] = tuple(PROCEDURES)


@dataclass
class UnitProcedures:
    unit_id: int
    # Measure code → ids of the orders behind it (an order repeats if counted twice).
    orders: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))

    def count(self, code: str) -> int:
        return len(self.orders.get(code, []))


def unit_procedures(
    period: Period | None = None, *, hub: OrgUnit | None = None, using: str | None = None
) -> dict[int, UnitProcedures]:
    """Unit id → its counts in `period` (events by their moment), for the orders of `hub`
    and the hubs below it (every hub when None): one query per measure for all units."""
    c = Context(period or Period(), Filters(hub=hub), timezone.now(), Config.from_settings(), using)
    result: dict[int, UnitProcedures] = {}
    for code in PROCEDURE_CODES:
        rows = procedure_events(c, code).order_by("at", "pk").values_list("data", "order_id")
        for data, order_id in rows:
            unit = data.get("unit") if isinstance(data, dict) else None
            if not isinstance(unit, int):
                continue
            result.setdefault(unit, UnitProcedures(unit)).orders[code].append(order_id)
    return result
