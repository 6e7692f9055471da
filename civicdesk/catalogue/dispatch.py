"""Looking up the dispatch catalogue: which unit answers for a category in an area."""

from __future__ import annotations

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
    categories = category.lineage_ids() if category is not None else ()
    areas = area.lineage_ids() if area is not None else ()
    rules = list(
        DispatchRule.objects.filter(active=True, unit__active=True)
        .filter(Q(category__in=categories) | Q(category__isnull=True))
        .select_related("unit")
    )
    by_key = {(r.category_id, r.area_id): r for r in rules}
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
