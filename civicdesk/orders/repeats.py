"""Repeat callers (重复来电): the same number calling again about the same matter.

"Same matter" is the same category, or two categories under the same parent (人民路坑洼 and
人民路积水 are both 市政道路); an order without a category matches nothing, because a
guess would wrongly count different requests of one caller as repeats. A repeat call is a
new order whose caller had an order on the same matter in the CIVICDESK_REPEAT_CALL_DAYS
before it; at intake the open ones are offered first, so the call can be added to them as a
催办 instead of becoming a new order.
"""

from __future__ import annotations

from datetime import timedelta

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
    condition = Q(category=category)
    if category.parent_id is not None:
        condition |= Q(category__parent=category.parent_id)
    return condition


def earlier_calls(order: WorkOrder) -> QuerySet[WorkOrder]:
    """The caller's orders on the same matter in the window before `order`, newest first."""
    if not order.citizen_phone:
        return WorkOrder.objects.none()
    return (
        WorkOrder.objects.filter(
            same_matter(order.category),
            citizen_phone=order.citizen_phone,
            created_at__lt=order.created_at,
            created_at__gte=order.created_at - window(),
        )
        .exclude(pk=order.pk)
        .order_by("-created_at")
    )


def is_repeat() -> Exists:
    """For a queryset of orders: whether each is a repeat call (an annotation / filter)."""
    earlier = WorkOrder.objects.filter(
        Q(category=OuterRef("category"))
        | Q(category__parent=OuterRef("category__parent"), category__parent__isnull=False),
        citizen_phone=OuterRef("citizen_phone"),
        created_at__lt=OuterRef("created_at"),
        created_at__gte=OuterRef("created_at") - window(),
    ).exclude(citizen_phone="")
    return Exists(earlier)


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
