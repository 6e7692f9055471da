"""The same races on SQLite: IMMEDIATE transactions take the write lock at BEGIN, so the
second writer waits and then sees the first one's result. The test database is a file
(settings: TEST NAME in DATA_DIR) so the threads' connections share it."""

from __future__ import annotations

import pytest
from django.db import connection

from tests.orders import concurrency_scenarios as scenario
from tests.world import World

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "sqlite",
        reason="SQLite locking; this run uses PostgreSQL, covered by test_concurrency_postgres.py",
    ),
]


def test_it_shares_a_file_database_in_wal_mode_between_threads(db: None) -> None:
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
