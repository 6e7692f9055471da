"""The unit tree, read from the database once per change instead of once per request.

Nearly every staff page needs units: the ids under the person's units (the scope of every
queue), the units a move form offers, the hubs a suggestion goes down through. The tree
changes a few times a year and holds a few hundred rows, so each process keeps one copy of
it (`unit_tree()`), labelled with the token of the list "units" (civicdesk.lib.listversion:
kept in the shared cache, replaced at once and again on commit by any change to a unit —
OrgUnit's save and delete, the admin, loaddata). Every process compares its copy's token with
the shared one (a file read, no query) before using the copy, and reads the tree again when
they differ. The token is read before the rows, so a copy read while a change was being
committed is labelled with the token that change replaces, never with the new one; the
board's unit pickers keep their HTML under the copy's token (UnitList.token). A change made
around Django (SQL by hand) is seen within LIFETIME seconds at most, when every copy is read
again anyway.

The copy's units are shared by every request of the process: read them, never change or save
them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from civicdesk.lib.listversion import KeptCopy, follow
from civicdesk.org.models import OrgUnit

UNITS = "units"  # the list's name (lib.listversion)
# Seconds a copy is used at most, whatever the token says (see the module's last paragraph).
LIFETIME = 60.0


@dataclass(frozen=True)
class UnitTree:
    """Every unit (active or not), by path: a parent before its children."""

    token: str
    units: tuple[OrgUnit, ...]
    by_pk: dict[int, OrgUnit] = field(repr=False)

    @classmethod
    def of(cls, token: str, units: list[OrgUnit]) -> UnitTree:
        return cls(token, tuple(units), {unit.pk: unit for unit in units})

    def subtree_ids(self, unit: OrgUnit) -> list[int]:
        """Ids of `unit` and every unit below it (OrgUnit.subtree)."""
        return [u.pk for u in self.units if u.path.startswith(unit.path)]

    def hub_ids(self, unit: OrgUnit) -> list[int]:
        """Ids of the hubs at or below `unit`."""
        return [u.pk for u in self.units if u.is_hub and u.path.startswith(unit.path)]

    def hubs(self) -> list[OrgUnit]:
        """Every hub, by path."""
        return [u for u in self.units if u.is_hub]

    def names(self, pks: list[int]) -> dict[int, str]:
        """pk → name of those of `pks` that are units."""
        return {pk: self.by_pk[pk].name for pk in pks if pk in self.by_pk}


_kept = KeptCopy(UNITS, lambda token: UnitTree.of(token, list(OrgUnit.objects.order_by("path"))), LIFETIME)


def unit_tree() -> UnitTree:
    """This process's copy of the unit tree, read again when a unit changed."""
    return _kept.get()


def forget_unit_tree() -> None:
    """Drop this process's copy (between tests: a rolled-back transaction sends no signal)."""
    _kept.forget()


def connect() -> None:
    """Follow every change of a unit (from OrgConfig.ready)."""
    follow(UNITS, OrgUnit)
