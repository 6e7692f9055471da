"""Real concurrent transactions: two people act on one order at the same moment; one wins,
the other gets a clear refusal, nothing is half-written.

The same races run on whichever database this run uses. On PostgreSQL the row lock
(SELECT … FOR UPDATE) makes the second mover wait; on SQLite the IMMEDIATE transaction
takes the write lock at BEGIN. Either way the loser then sees the winner's result."""

from __future__ import annotations

import pytest
from django.db import connection

from tests.orders import concurrency_scenarios as scenario
from tests.world import World

pytestmark = [pytest.mark.django_db(transaction=True)]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="a property of the SQLite test database only")
def test_it_shares_a_file_database_in_wal_mode_between_threads(db: None) -> None:
    # Threads need one database they can all open: a file in WAL mode, not Django's
    # per-connection in-memory test database.
    name = connection.settings_dict["NAME"]
    assert not connection.is_in_memory_db(), name
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"


@pytest.mark.parametrize("with_version", [True, False], ids=["stale-version", "stale-state"])
def test_it_lets_exactly_one_of_two_dispatchers_dispatch(
    w: World, monkeypatch: pytest.MonkeyPatch, with_version: bool
) -> None:
    scenario.dispatch_race(w, monkeypatch, with_version=with_version)


@pytest.mark.parametrize("with_version", [True, False], ids=["stale-version", "stale-state"])
def test_it_lets_exactly_one_of_two_handlers_sign(
    w: World, monkeypatch: pytest.MonkeyPatch, with_version: bool
) -> None:
    scenario.sign_race(w, monkeypatch, with_version=with_version)


@pytest.mark.parametrize("with_version", [True, False], ids=["stale-version", "stale-state"])
def test_it_lets_exactly_one_review_of_a_reply_through(
    w: World, monkeypatch: pytest.MonkeyPatch, with_version: bool
) -> None:
    scenario.accept_race(w, monkeypatch, with_version=with_version)


def test_it_never_merges_two_orders_into_each_other(w: World, monkeypatch: pytest.MonkeyPatch) -> None:
    scenario.crossing_merge_race(w, monkeypatch)


def test_it_numbers_a_burst_of_concurrent_orders_uniquely_and_consecutively(w: World) -> None:
    scenario.creation_burst(w, threads=2, each=20)
