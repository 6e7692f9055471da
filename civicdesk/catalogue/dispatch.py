"""Looking up the dispatch catalogue: which unit answers for a category in an area."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Q

from civicdesk.catalogue.models import Area, Category, DispatchRule
from civicdesk.org.models import OrgUnit


@dataclass(frozen=True)
class CatalogueMatch:
    unit: OrgUnit
    rule: DispatchRule
    # 0 for an exact category+area rule; grows as the match falls back to parents.
    distance: int


def responsible_unit(category: Category | None, area: Area | None) -> CatalogueMatch | None:
    """The most specific active rule: nearest category first, then nearest area, then fallback."""
    return responsible_units([(category, area)])[0]


def responsible_units(pairs: Sequence[tuple[Category | None, Area | None]]) -> list[CatalogueMatch | None]:
    """responsible_unit for each (category, area), in one query: the dispatch board asks it
    for every order on its page."""
    lineages = [
        (category.lineage_ids() if category is not None else (), area.lineage_ids() if area is not None else ())
        for category, area in pairs
    ]
    if not pairs:
        return []
    categories = sorted({cat for cats, _areas in lineages for cat in cats})
    rules = list(
        DispatchRule.objects.filter(active=True, unit__active=True)
        .filter(Q(category__in=categories) | Q(category__isnull=True))
        # What the rule reads as (its category's full name, its area, its unit), with it.
        .select_related("unit", "category__parent__parent", "area")
    )
    by_key = {(r.category_id, r.area_id): r for r in rules}
    return [_match(by_key, cats, areas) for cats, areas in lineages]


def _match(
    by_key: dict[tuple[int | None, int | None], DispatchRule], categories: tuple[int, ...], areas: tuple[int, ...]
) -> CatalogueMatch | None:
    distance = 0
    for cat in categories:
        for ar in areas:
            rule = by_key.get((cat, ar))
            if rule is not None:
                return CatalogueMatch(rule.unit, rule, distance)
            distance += 1
        rule = by_key.get((cat, None))
        if rule is not None:
            return CatalogueMatch(rule.unit, rule, distance)
        distance += 1
    fallback = by_key.get((None, None))
    if fallback is not None:
        return CatalogueMatch(fallback.unit, fallback, distance)
    return None
