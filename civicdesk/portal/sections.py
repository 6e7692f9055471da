"""What other apps add to the portal's page of a tracked order: a section of their own for
the orders that are theirs (a company's parallel approval shows every department's state).

The portal knows nothing of those apps; they register a section from their AppConfig.ready().
A section is shown only on the page of an order the visitor has tracked (its number and the
phone's last four digits, civicdesk.portal.views.track): the same check, the same limits,
nothing more to guess at."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from civicdesk.orders.models import WorkOrder

# order → (template, its context), or None when the order is not the app's.
Section = Callable[[WorkOrder], tuple[str, dict[str, Any]] | None]

_sections: dict[str, Section] = {}


def register_section(name: str, section: Section) -> None:
    """Add (or, by name, replace) a section of the tracked order's page."""
    _sections[name] = section


def sections_for(order: WorkOrder) -> list[tuple[str, dict[str, Any]]]:
    found = []
    for section in _sections.values():
        shown = section(order)
        if shown is not None:
            found.append(shown)
    return found
