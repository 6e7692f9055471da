"""What still depends on a unit, so it must not be deactivated yet.

The organisation is the ground floor: it knows its own sub-units, and the apps built on it
(orders, the dispatch catalogue, ...) register what of theirs still points at a unit from
their AppConfig.ready(). Each check says why in the admin's language, or returns "".
"""

from __future__ import annotations

from collections.abc import Callable

from django.utils.translation import gettext as _

from civicdesk.org.models import OrgUnit

UnitCheck = Callable[[OrgUnit], str]
_checks: dict[str, UnitCheck] = {}


def register_unit_in_use(name: str, check: UnitCheck) -> None:
    """Add (or, by name, replace) a check; `check(unit)` returns why the unit is in use, or ""."""
    _checks[name] = check


def deactivation_blocks(unit: OrgUnit) -> list[str]:
    """Every reason the unit cannot be deactivated now: its own active sub-units first."""
    blocks = []
    children = unit.children.filter(active=True).count()
    if children:
        blocks.append(_("还有 %(n)s 个启用的下级单位，请先停用或移走它们。") % {"n": children})
    for check in _checks.values():
        reason = check(unit)
        if reason:
            blocks.append(reason)
    return blocks
