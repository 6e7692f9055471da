"""The unit the dispatch board suggests for each order waiting for dispatch.

The dispatch catalogue's rule for the order's category and area is the core's own answer. A
smarter source (civicdesk.routing's dispatch model, when a version is active) registers
itself from its AppConfig.ready(), so the core does not import it; when it answers, its
suggestions replace the catalogue's for the whole page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from civicdesk.catalogue.dispatch import responsible_units
from civicdesk.catalogue.models import Category
from civicdesk.orders.models import WorkOrder
from civicdesk.org.models import OrgUnit
from civicdesk.org.tree import unit_tree


@dataclass
class UnitSuggestion:
    unit: OrgUnit
    note: str  # why, in the dispatcher's words
    # From a dispatch model: its confidence in the unit and its version number.
    confidence: float | None = None
    model_version: int | None = None
    # The category the model read from the text, for an order filed without one.
    category: Category | None = None
    examples: list[tuple[str, str]] = field(default_factory=list)  # (number, title) of past orders
    # When the model is unsure of its best unit: the other likely units (unit, probability).
    candidates: list[tuple[OrgUnit, float]] = field(default_factory=list)


# orders → one suggestion (or None) per order, in order; or None when the source has nothing
# to say now (no active model), and the catalogue answers.
Suggester = Callable[[list[WorkOrder]], list[UnitSuggestion | None] | None]
_suggesters: dict[str, Suggester] = {}


def register_suggester(name: str, suggester: Suggester) -> None:
    _suggesters[name] = suggester


# How a model's confidence in its suggestion is drawn on the board (the model's source registers
# its badge with it: (confidence, model version) -> safe HTML). Called, not rendered through the
# template engine: the board draws fifty a page (issue #20).
Badge = Callable[[float | None, int | None], str]
_badges: dict[str, Badge] = {}


def register_confidence_badge(name: str, badge: Badge) -> None:
    _badges[name] = badge


def confidence_badge(confidence: float | None, model_version: int | None) -> str:
    """The registered badge's HTML ("" when no source registered one)."""
    for badge in _badges.values():
        return badge(confidence, model_version)
    return ""


def suggest_units(orders: list[WorkOrder]) -> list[UnitSuggestion | None]:
    """One suggestion (or None) per order: from the first registered source that answers,
    else from the dispatch catalogue."""
    for suggester in _suggesters.values():
        found = suggester(orders)
        if found is not None:
            return _through_lower_hubs(orders, found)
    return _through_lower_hubs(orders, _from_catalogue(orders))


def _through_lower_hubs(orders: list[WorkOrder], found: list[UnitSuggestion | None]) -> list[UnitSuggestion | None]:
    """A unit under a hub below the order's hub is that hub's to dispatch to: the suggestion
    becomes the lower hub (the order is handed down to it, 下转), with the unit named in the note."""
    if not any(found):
        return found
    hubs = unit_tree().hubs()
    result: list[UnitSuggestion | None] = []
    for order, suggestion in zip(orders, found, strict=True):
        top = order.hub.path if order.hub_id else ""
        if suggestion is not None and top:
            lower = next(
                (
                    h
                    for h in hubs  # by path: the first that holds the unit is the level right below
                    if h.path != top and h.path.startswith(top) and suggestion.unit.path.startswith(h.path)
                ),
                None,
            )
            if lower is not None and lower.pk != suggestion.unit.pk:
                note = _("%(unit)s 属 %(hub)s，下转该中心派单") % {"unit": suggestion.unit.name, "hub": lower.name}
                suggestion = UnitSuggestion(lower, note, model_version=suggestion.model_version)
        result.append(suggestion)
    return result


def _from_catalogue(orders: list[WorkOrder]) -> list[UnitSuggestion | None]:
    # Every order of the page in one look-up of the catalogue; one suggestion per (category, area).
    by_key: dict[tuple[int | None, int | None], UnitSuggestion | None] = {}
    firsts = {(o.category_id, o.area_id): o for o in reversed(orders)}
    matches = responsible_units([(o.category, o.area) for o in firsts.values()])
    for key, match in zip(firsts, matches, strict=True):
        by_key[key] = UnitSuggestion(match.unit, match.rule.note or str(match.rule)) if match is not None else None
    return [by_key[(o.category_id, o.area_id)] for o in orders]
