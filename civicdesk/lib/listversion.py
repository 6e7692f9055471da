"""Tokens naming what a list holds now, so that every app process drops what it kept of it.

Some lists change a few times a year and are read on nearly every page: the unit tree
("units": each process's copy, civicdesk.org.tree, and the board's unit pickers) and the
catalogue ("catalogue": categories, areas, topics, whose pickers' HTML the board keeps). What a
process keeps of such a list is labelled with the list's token, kept in the shared cache
(settings.CACHES["shared"], a directory every process of the installation reads: a file read,
no query). Any change to a followed model (its save and delete, the admin, loaddata) replaces
the token at once and again when its transaction commits.

Whoever keeps something reads the token BEFORE the rows it describes: a copy read while a
change was being committed is then labelled with the token that change's commit replaces, never
with the new one. Random, not a counter: a token of a rolled-back change never comes back to
name other contents. A change made around Django (SQL by hand) replaces no token: what is kept
is dropped after its own lifetime (org.tree.LIFETIME, lib.picker.KEEP_SECONDS).
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from django.core.cache import caches
from django.db import transaction
from django.db.models import Model
from django.db.models.signals import post_delete, post_save

T = TypeVar("T")

_PREFIX = "civicdesk:list:"
_followed: set[str] = set()


def list_token(name: str) -> str:
    """The current token of list `name` (read it before the rows it labels)."""
    shared = caches["shared"]
    token = shared.get(_PREFIX + name)
    if token is None:
        # The first process to ask (or after the cache was emptied) names the list as it is.
        shared.add(_PREFIX + name, uuid.uuid4().hex, timeout=None)
        token = shared.get(_PREFIX + name) or ""
    return str(token)


def list_changed(name: str) -> None:
    """Every process's copy of list `name` is out of date."""
    caches["shared"].set(_PREFIX + name, uuid.uuid4().hex, timeout=None)


def follow(name: str, *models: type[Model]) -> None:
    """Replace list `name`'s token on every save and delete of `models` (from an AppConfig.ready)."""
    _followed.add(name)

    def changed(**kwargs: Any) -> None:
        # At once, for the rest of this transaction and this process; and when it commits, for
        # the copies other processes read meanwhile (they could not see the change yet).
        list_changed(name)
        transaction.on_commit(lambda: list_changed(name))

    for model in models:
        label = model._meta.label_lower
        post_save.connect(changed, sender=model, weak=False, dispatch_uid=f"list-{name}-{label}-save")
        post_delete.connect(changed, sender=model, weak=False, dispatch_uid=f"list-{name}-{label}-delete")


def forget_lists() -> None:
    """Replace the token of every followed list (between tests: a rolled-back transaction sends
    no on_commit, and its rows are gone while what was kept under its token stays)."""
    for name in _followed:
        list_changed(name)


class KeptCopy(Generic[T]):
    """A process's copy of what list `name` holds (the unit tree, the catalogue), read by
    `read(token)` and labelled with the token it was read under: read again when the list's
    token changed, or after `lifetime` seconds whatever the token says (a change made around
    Django replaces no token). The copy is shared by every request of the process: read it,
    never change it."""

    def __init__(self, name: str, read: Callable[[str], T], lifetime: float) -> None:
        self.name, self.read, self.lifetime = name, read, lifetime
        self._lock = threading.Lock()
        self._kept: tuple[str, float, T] | None = None

    def get(self) -> T:
        token = list_token(self.name)  # before the rows it labels
        kept = self._kept
        now = time.monotonic()
        if kept is not None and kept[0] == token and now - kept[1] < self.lifetime:
            return kept[2]
        fresh = self.read(token)
        with self._lock:
            self._kept = (token, now, fresh)
        return fresh

    def forget(self) -> None:
        """Drop the copy (between tests: a rolled-back transaction sends no signal)."""
        with self._lock:
            self._kept = None
