"""Repeat callers (重复来电): the same number calling again about the same matter.

"Same matter" is the same category, or two categories under the same parent (人民路坑洼 and
人民路积水 are both 市政道路); an order without a category matches nothing, because a
guess would wrongly count different requests of one caller as repeats. A repeat call is a
new order whose caller had an order on the same matter in the CIVICDESK_REPEAT_CALL_DAYS
before it; at intake the open ones are offered first, so the call can be added to them as a
催办 instead of becoming a new order.

Whether an order is a repeat call is decided when it is taken (civicdesk.orders.actions.intake
through its store) and kept on it (WorkOrder.repeat_call); nothing changes it afterwards (the
number, the category and the time taken are never edited), except an earlier call taken in
later, which makes the later ones repeat calls as it is taken. Statistics count the flag. The
window applies as of intake: after changing CIVICDESK_REPEAT_CALL_DAYS, the orders taken
before keep the decision made with the old window.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Exists, F, OuterRef, Q, QuerySet

from civicdesk.catalogue.models import Category
from civicdesk.orders.models import WorkOrder
from civicdesk.orders.workflow import OPEN


def window() -> timedelta:
    return timedelta(days=int(settings.CIVICDESK_REPEAT_CALL_DAYS))


def same_matter(category: Category | None) -> Q:
    """Orders on the same matter as a request filed under `category` (nothing without one)."""
    if category is None:
        return Q(pk__in=[])
    if category.parent_id is None:
        return Q(category=category)
    # The categories under the same parent (the order's own among them) as a subquery, not
    # "category = X OR category.parent = Y" over a join of the category table: PostgreSQL
    # spent 7 ms planning that OR across the two tables (the order page's repeat-call look-up,
    # EXPLAIN SUMMARY, at every size of history) and 0.2 ms planning this.
    return Q(category__in=Category.objects.filter(parent=category.parent_id).values("pk"))


@dataclass(frozen=True)
class Call:
    """One of a caller's orders on the same matter, as the decision of repeat calls reads it."""

    pk: int
    created_at: datetime
    repeat_call: bool


def calls_around(order: WorkOrder) -> QuerySet[WorkOrder]:
    """The caller's other orders on the same matter in the window before or after `order`
    (nothing without a number or a category): what decides whether it is a repeat call, and
    which later calls it makes repeat calls."""
    if not order.citizen_phone or order.category_id is None:
        return WorkOrder.objects.none()
    qs = WorkOrder.objects.filter(
        same_matter(order.category),
        citizen_phone=order.citizen_phone,
        created_at__gte=order.created_at - window(),
        created_at__lte=order.created_at + window(),
    ).exclude(citizen_phone="")  # the words of the partial index order_phone_created
    return qs.exclude(pk=order.pk) if order.pk is not None else qs


def settle(order: WorkOrder, calls: Iterable[Call]) -> list[int]:
    """Set `order.repeat_call` from the caller's `calls` on the same matter around it (a repeat
    call: one of them in the window before it), and return the ids of the later ones that it
    makes repeat calls (those in the window after it that were not yet). Orders are taken in
    time order, so that list is empty but for history recorded late (an import)."""
    start, end = order.created_at - window(), order.created_at + window()
    later: list[int] = []
    order.repeat_call = False
    for call in calls:
        if start <= call.created_at < order.created_at:
            order.repeat_call = True
        elif order.created_at < call.created_at <= end and not call.repeat_call:
            later.append(call.pk)
    return later


def open_orders_of_caller(orders: QuerySet[WorkOrder], phone: str, category: Category | None) -> list[WorkOrder]:
    """The caller's open orders among `orders` (what the person may see), those on the same
    matter as `category` first, each marked `same_matter`; newest first within each group."""
    phone = (phone or "").strip()
    if len(phone) < 5:
        return []
    found: list[WorkOrder] = list(
        orders.filter(citizen_phone=phone, state__in=sorted(OPEN))
        .annotate(matches=Exists(WorkOrder.objects.filter(same_matter(category), pk=OuterRef("pk"))))
        .select_related("lead_unit", "category")
        .order_by(F("matches").desc(), "-created_at")[:10]
    )
    for order in found:
        order.same_matter = bool(order.matches)  # type: ignore[attr-defined]
    return found
