"""The unit tree, read from the database once per change instead of once per request.

Nearly every staff page needs units: the ids under the person's units (the scope of every
queue), the units a move form offers, the hubs a suggestion goes down through. The tree
changes a few times a year and holds a few hundred rows, so each process keeps one copy of
it (`unit_tree()`), labelled with a token kept in the shared cache (settings.CACHES["shared"],
a directory every process of the installation reads). Any change to a unit (OrgUnit's save and
delete, the admin, loaddata) replaces the token at once and again when its transaction commits;
every process compares its copy's token with the shared one (a file read, no query) before
using the copy, and reads the tree again when they differ. The token is read before the
rows, so a copy read while a change was being committed is labelled with the token that change
replaces, never with the new one. A change made around Django (SQL by hand) is seen within
LIFETIME seconds at most, when every copy is read again anyway.

The copy's units are shared by every request of the process: read them, never change or save
them.
"""

from __future__ import annotations

import threading
import time
import uuid
from dataclasses import dataclass, field

from django.core.cache import caches
from django.db import transaction
from django.db.models.signals import post_delete, post_save

from civicdesk.org.models import OrgUnit

_KEY = "civicdesk:org:unit-tree"
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


_lock = threading.Lock()
_copy: tuple[float, UnitTree] | None = None


def _shared_token() -> str:
    shared = caches["shared"]
    token = shared.get(_KEY)
    if token is None:
        # The first process to ask (or after the cache was emptied) names the tree as it is.
        shared.add(_KEY, uuid.uuid4().hex, timeout=None)
        token = shared.get(_KEY) or ""
    return str(token)


def unit_tree() -> UnitTree:
    """This process's copy of the unit tree, read again when a unit changed."""
    global _copy
    token = _shared_token()
    copy = _copy
    now = time.monotonic()
    if copy is not None and copy[1].token == token and now - copy[0] < LIFETIME:
        return copy[1]
    tree = UnitTree.of(token, list(OrgUnit.objects.order_by("path")))
    with _lock:
        _copy = (now, tree)
    return tree


def unit_tree_changed() -> None:
    """Every process's copy is out of date: a unit was added, changed or removed."""
    caches["shared"].set(_KEY, uuid.uuid4().hex, timeout=None)


def forget_unit_tree() -> None:
    """Drop this process's copy (between tests: a rolled-back transaction sends no signal)."""
    global _copy
    with _lock:
        _copy = None


def _on_unit_change(**kwargs: object) -> None:
    # At once, for the rest of this transaction and this process; and when it commits, for
    # the copies other processes read meanwhile (they could not see the change yet).
    unit_tree_changed()
    transaction.on_commit(unit_tree_changed)


def connect() -> None:
    """Follow every change of a unit (from OrgConfig.ready)."""
    post_save.connect(_on_unit_change, sender=OrgUnit, dispatch_uid="org-unit-tree-save")
    post_delete.connect(_on_unit_change, sender=OrgUnit, dispatch_uid="org-unit-tree-delete")
