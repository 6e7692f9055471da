"""Reads that may go to a PostgreSQL streaming replica (DATABASE_REPLICA_URL).

Only the code that asks for it reads from the replica: the statistics pages and their JSON,
the exports (in the request and in the background task) and the staff search, each inside
`replica_reads()`. Everything else, and every write, stays on the primary: a replica is a
moment behind, and a request that has just written must read what it wrote (an order page
after a move, a queue after a dispatch). Outside a scope the router also sends an object that
was read from the replica back to the primary when its related objects are loaded or it is
saved, so nothing read in a scope leaks reads (or writes) to the replica later.

A replica that cannot be reached, or that lags more than CIVICDESK_REPLICA_MAX_LAG seconds,
is not used: the scope reads from the primary and logs a warning (once per
CIVICDESK_REPLICA_RETRY seconds while it lasts), so a broken replica slows the statistics
down instead of failing them.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.utils import timezone
from django.utils.connection import ConnectionDoesNotExist

REPLICA = "replica"
log = logging.getLogger(__name__)

# The alias the current scope reads from (None: not in a scope). A ContextVar, so that threads
# and async tasks each have their own.
_reading: ContextVar[str | None] = ContextVar("civicdesk_replica_reads", default=None)
# While the replica is known to be broken (monotonic time until which it is not tried again):
# a replica that does not answer would otherwise cost its connect timeout on every request.
_down_until = 0.0

# How far the replica is behind: 0 when it has replayed everything it received (an idle
# primary sends nothing, so the time of the last replayed transaction alone would look old).
_LAG_SQL = """
SELECT CASE
    WHEN NOT pg_is_in_recovery() OR pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
    ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0)
END
"""


@dataclass(frozen=True)
class Reads:
    """Where a scope reads from, and the moment its data is from (the replica's lag)."""

    alias: str
    as_of: datetime

    @property
    def replica(self) -> bool:
        return self.alias != DEFAULT_DB_ALIAS


def configured() -> bool:
    """Whether there is a replica alias (in DATABASES, or a connection a test made)."""
    try:
        connections[REPLICA]
    except ConnectionDoesNotExist:
        return False
    return True


def _unusable(reason: str) -> None:
    global _down_until
    _down_until = time.monotonic() + getattr(settings, "CIVICDESK_REPLICA_RETRY", 30)
    log.warning("Reading from the primary database: the replica %s", reason)


def _lag(connection: Any) -> float:
    """Seconds the replica is behind the primary (0 for a database that is not a standby)."""
    if connection.vendor != "postgresql":
        return 0.0
    with connection.cursor() as cursor:
        cursor.execute(_LAG_SQL)
        return float(cursor.fetchone()[0])


def _choose() -> Reads:
    now = timezone.now()
    primary = Reads(DEFAULT_DB_ALIAS, now)
    if not configured() or time.monotonic() < _down_until:
        return primary
    if connections[DEFAULT_DB_ALIAS].in_atomic_block:
        # Inside a transaction on the primary the reads may depend on its uncommitted writes.
        return primary
    connection = connections[REPLICA]
    try:
        connection.ensure_connection()
        lag = _lag(connection)
    except DatabaseError as error:
        # A connection that failed half-way is dropped, so the next try opens a new one.
        connection.close_if_unusable_or_obsolete()
        _unusable(f"cannot be reached ({str(error).strip()[:300]})")
        return primary
    allowed = getattr(settings, "CIVICDESK_REPLICA_MAX_LAG", 300)
    if lag > allowed:
        _unusable(f"is {lag:.0f} s behind (more than CIVICDESK_REPLICA_MAX_LAG={allowed})")
        return primary
    return Reads(REPLICA, now - timedelta(seconds=lag))


@contextmanager
def replica_reads() -> Iterator[Reads]:
    """Reads inside go to the replica when one is configured and usable, else to the primary.
    Usable as `with replica_reads() as reads:` or as a decorator `@replica_reads()`. Nested
    scopes keep the outer one's choice."""
    current = _reading.get()
    if current is not None:
        yield Reads(current, timezone.now())
        return
    reads = _choose()
    token = _reading.set(reads.alias)
    try:
        yield reads
    finally:
        _reading.reset(token)


def reset() -> None:
    """Forget that the replica was found broken (tests; an operator's shell after a repair)."""
    global _down_until
    _down_until = 0.0


class ReplicaRouter:
    """DATABASE_ROUTERS entry: reads in a `replica_reads()` scope go where the scope chose;
    all other reads and all writes go to the primary. Other aliases a command opens for itself
    (`.using(alias)`, objects read from them) are left alone."""

    def db_for_read(self, model: type[Any], **hints: Any) -> str | None:
        instance = hints.get("instance")
        own = getattr(getattr(instance, "_state", None), "db", None)
        if own not in (None, DEFAULT_DB_ALIAS, REPLICA):
            return None  # an object of another alias: its related objects are read there
        scoped = _reading.get()
        if scoped is not None:
            return scoped
        return DEFAULT_DB_ALIAS if own == REPLICA else None

    def db_for_write(self, model: type[Any], **hints: Any) -> str | None:
        instance = hints.get("instance")
        if getattr(getattr(instance, "_state", None), "db", None) == REPLICA:
            return DEFAULT_DB_ALIAS  # an object read from the replica is saved on the primary
        return None

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        # The replica holds the same rows as the primary.
        if {obj1._state.db, obj2._state.db} <= {DEFAULT_DB_ALIAS, REPLICA}:
            return True
        return None

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        # A streaming replica is read-only: its tables come from the primary's WAL.
        return False if db == REPLICA else None
