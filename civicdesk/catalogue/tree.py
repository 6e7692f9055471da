"""The categories and areas, read from the database once per change instead of joined into
every order page's look-up.

The order page shows an order's category with its two parents and its area. Joined into the
look-up they were four of its eight tables, and PostgreSQL spent 2.1 ms planning it, 0.9 ms
without them (EXPLAIN SUMMARY at 10M orders; the same at any size). The two trees hold a few
hundred rows and change a few times a year, so each process keeps one copy of them, as it keeps
the unit tree (civicdesk.org.tree), labelled with the token of the list "catalogue"
(civicdesk.lib.listversion: replaced by any change to a category, an area or a topic, at once and
again on commit). A copy whose token is no longer the shared one is read again; a change made
around Django (SQL by hand) is seen within LIFETIME seconds at most.

The copy's rows are shared by every request of the process: read them, never change or save
them. Each row's parent is the copy's row, so a category's lineage reads no further rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar

from civicdesk.catalogue.models import CATALOGUE, Area, Category
from civicdesk.lib.listversion import KeptCopy

# Seconds a copy is used at most, whatever the token says (see the module's docstring).
LIFETIME = 60.0

Node = TypeVar("Node", Category, Area)


@dataclass(frozen=True)
class CatalogueCopy:
    categories: dict[int, Category]
    areas: dict[int, Area]


def _linked(rows: list[Node]) -> dict[int, Node]:
    by_pk = {row.pk: row for row in rows}
    for row in rows:
        if row.parent_id in by_pk:  # always, but for a parent added after the rows were read
            row.parent = by_pk[row.parent_id]
    return by_pk


def _read(_token: str) -> CatalogueCopy:
    return CatalogueCopy(_linked(list(Category.objects.all())), _linked(list(Area.objects.all())))


_kept = KeptCopy(CATALOGUE, _read, LIFETIME)


def catalogue_copy() -> CatalogueCopy:
    """This process's copy of the categories and areas, read again when one changed."""
    return _kept.get()


def forget_catalogue_copy() -> None:
    """Drop this process's copy (between tests: a rolled-back transaction sends no signal)."""
    _kept.forget()
