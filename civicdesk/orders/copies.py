"""An order's units, category and area from the process's copies of the unit tree and the
catalogue (civicdesk.org.tree, civicdesk.catalogue.tree) instead of joined into its look-up.

Each joined table costs PostgreSQL planning time whatever the size of the answer: the order
page's look-up spent 2.3 -> 1.8 ms planning without its three unit joins, and 2.1 -> 0.9 ms
without the category's three and the area's (EXPLAIN SUMMARY at 10M orders); the dispatch
board's fifty rows, 1.7-2.0 ms with four joins. The joined rows were also built again for
every row of a list, each a model instance of its own (the copy's are shared).

The rows set here are the copies' own, shared by every request of the process: read them,
never change or save them. A unit or category newer than this process's copy is left alone,
and read when asked for as without the copies.
"""

from __future__ import annotations

from collections.abc import Iterable

from civicdesk.catalogue.tree import catalogue_copy
from civicdesk.orders.models import WorkOrder
from civicdesk.org.tree import unit_tree

UNIT_FIELDS = ("hub", "lead_unit", "upper_hub")
# The related rows (as select_related names them) a look-up need not join when its orders go
# through from_the_copies.
COPIED = (*UNIT_FIELDS, "category__parent__parent", "area")


def from_the_copies(orders: Iterable[WorkOrder]) -> list[WorkOrder]:
    """The orders, each one's hub, lead unit, upper hub, category (its parents with it) and
    area set to the copies' rows."""
    orders = list(orders)
    units = unit_tree().by_pk
    catalogue = catalogue_copy()
    categories, areas = catalogue.categories, catalogue.areas
    for order in orders:
        for field in UNIT_FIELDS:
            pk = getattr(order, f"{field}_id")
            if pk in units:
                setattr(order, field, units[pk])
        if order.category_id in categories:
            order.category = categories[order.category_id]
        if order.area_id in areas:
            order.area = areas[order.area_id]
    return orders
