"""Several app processes counting the same key at once: the limit holds exactly, on whichever
database this run uses (the Bucket row lock on PostgreSQL, the IMMEDIATE write lock on SQLite)."""

from __future__ import annotations

import threading

import pytest
from django.db import close_old_connections, connection

from civicdesk.portal import limits
from civicdesk.portal.models import Hit

pytestmark = [pytest.mark.django_db(transaction=True)]


def test_a_burst_from_one_key_gets_exactly_the_limit(db: None) -> None:
    limit = limits.Limit("race", 3, 3600)
    start = threading.Barrier(6)
    results: list[bool] = []
    lock = threading.Lock()

    def attempt() -> None:
        try:
            start.wait()
            allowed = limits.take(limit, "203.0.113.7")
            with lock:
                results.append(allowed)
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    close_old_connections()
    assert sorted(results) == [False, False, False, True, True, True]
    assert Hit.objects.filter(scope="race").count() == 3
