"""Guessing an order's last four phone digits on the portal's tracking page: the failure limit
per order number holds exactly, also when the guesses arrive in parallel (the check and the
count are one locked step; a right answer gives its counted attempt back)."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from django.db import close_old_connections, connection
from django.test import Client
from pytest_django.fixtures import Settings

from civicdesk.orders.models import WorkOrder
from civicdesk.portal import service
from civicdesk.portal.models import Hit
from tests.world import World

LIMIT = 10


def _guess(number: str, digits: str, address: str = "198.51.100.1") -> int:
    response = Client(REMOTE_ADDR=address).post("/portal/track", {"number": number, "last_four": digits})
    return int(response.status_code)


@pytest.fixture
def order(w: World, settings: Settings) -> WorkOrder:
    settings.CIVICDESK_PORTAL_TRACK_FAILURES_PER_NUMBER = LIMIT
    return w.new_order(citizen_phone="13800001234")


@pytest.mark.django_db
def test_sequential_guesses_stop_at_the_limit(order: WorkOrder) -> None:
    statuses = [_guess(order.number, f"{n:04d}", f"198.51.100.{n}") for n in range(LIMIT + 2)]
    assert statuses == [404] * LIMIT + [429, 429]
    # Once used up, even the right digits wait for the window to pass.
    assert _guess(order.number, "1234") == 429


@pytest.mark.django_db
def test_a_right_answer_does_not_use_up_a_guess(order: WorkOrder) -> None:
    for _ in range(LIMIT + 3):
        assert _guess(order.number, "1234") == 302
    assert _guess(order.number, "0000") == 404
    assert Hit.objects.filter(scope="track_number").count() == 1


@pytest.mark.django_db(transaction=True)
def test_parallel_guesses_from_many_addresses_get_exactly_the_limit(
    order: WorkOrder, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A lookup that takes a moment, as on a loaded server: the gap in which, before the fix,
    # every parallel guess had passed the check and none had been counted yet.
    real_find = service.find_for_citizen

    def slow_find(number: str, last_four: str) -> Any:
        time.sleep(0.2)
        return real_find(number, last_four)

    monkeypatch.setattr(service, "find_for_citizen", slow_find)
    guesses = 2 * LIMIT
    start = threading.Barrier(guesses)
    statuses: list[int] = []
    lock = threading.Lock()

    def attempt(n: int) -> None:
        try:
            start.wait()
            status = _guess(order.number, f"{n:04d}", f"198.51.100.{n + 1}")
            with lock:
                statuses.append(status)
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(guesses)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    close_old_connections()
    assert sorted(statuses) == [404] * LIMIT + [429] * LIMIT
    assert Hit.objects.filter(scope="track_number").count() == LIMIT
