"""Loading history without the word-search index and building it once at the end: the index
is there afterwards (also after an import that failed, or one stopped before its end and run
again), and a word search finds the imported orders. PostgreSQL only: SQLite has no such
index (its word search is a substring test)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.db import connection

from civicdesk.exchange import importing
from civicdesk.exchange.importing import import_orders
from civicdesk.exchange.mapping import load_map
from civicdesk.orders.models import WorkOrder
from civicdesk.orders.search import BIGRAMS_INDEX, by_words
from tests.world import World

ERRORS = Path(__file__).resolve().parent / "files" / "errors.csv"

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the word-search index exists on PostgreSQL only"
)


def _has_index() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_indexes WHERE indexname = %s", [BIGRAMS_INDEX])
        return cursor.fetchone() is not None


def _drop_index() -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DROP INDEX {BIGRAMS_INDEX}")


def test_a_deferred_import_leaves_the_index_built_and_its_orders_found_by_words(w: World) -> None:
    assert _has_index()
    report = import_orders(ERRORS, load_map("shandong"), w.hub, defer_word_index=True)
    assert report.imported == 4
    assert _has_index()
    order = WorkOrder.objects.get(number="H2025030300001")
    word = order.title[:2]
    assert order in by_words(WorkOrder.objects.all(), [word])


def test_an_import_that_fails_still_builds_the_index_again(w: World, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        assert not _has_index()  # left out while the orders are written
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(importing, "_import", broken)
    with pytest.raises(RuntimeError):
        import_orders(ERRORS, load_map("shandong"), w.hub, defer_word_index=True)
    assert _has_index()


def test_the_next_import_builds_the_index_a_stopped_one_left_out(w: World) -> None:
    _drop_index()  # as a deferred import killed before its end leaves it
    import_orders(ERRORS, load_map("shandong"), w.hub, limit=1)
    assert _has_index()
