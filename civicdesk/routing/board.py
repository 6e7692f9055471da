"""The dispatch model's suggestions on the hub's dispatch board, offered to the core through
orders.suggesting (registered in RoutingConfig.ready)."""

from __future__ import annotations

from civicdesk.orders.models import WorkOrder
from civicdesk.orders.suggesting import UnitSuggestion
from civicdesk.routing.confidence import unsure
from civicdesk.routing.suggestions import active_model, suggest_many


def board_suggestions(orders: list[WorkOrder]) -> list[UnitSuggestion | None] | None:
    """The model's best unit per order (category as given, else predicted from the text; the
    unit from category × area), or None without an active version (the catalogue answers)."""
    model = active_model()
    if model is None:
        return None
    routed = suggest_many([(o.title, o.content, o.address, o.area, o.category) for o in orders], limit=3, model=model)
    found: list[UnitSuggestion | None] = []
    for suggestions in routed:
        best = suggestions.best
        if best is None:
            found.append(None)
            continue
        suggestion = UnitSuggestion(
            best.unit,
            best.reason(),
            confidence=best.unit_confidence,
            model_version=suggestions.version,
            category=best.category,
            examples=best.examples,
        )
        if unsure(best.unit_confidence):
            # Not sure of the best unit: show the dispatcher the other likely ones too.
            seen: set[int] = set()
            for option in suggestions.options:
                if option.unit.pk not in seen:
                    seen.add(option.unit.pk)
                    suggestion.candidates.append((option.unit, option.unit_confidence))
        found.append(suggestion)
    return found
