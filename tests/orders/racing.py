"""Run callables in threads that start at the same moment, each on its own connection."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connections

from civicdesk.orders.actions import base


def race(*calls: Callable[[], Any], timeout: float = 60) -> list[tuple[str, Any]]:
    """Run each call in its own thread, released together by a barrier. Returns, in order,
    ("ok", result) or ("error", exception) per call."""
    barrier = threading.Barrier(len(calls))
    outcomes: list[tuple[str, Any]] = [("missing", None)] * len(calls)

    def run(index: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=timeout)
            outcomes[index] = ("ok", call())
        except Exception as exc:  # the outcome is what the test checks
            outcomes[index] = ("error", exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    assert not any(t.is_alive() for t in threads), "a racing thread hung"
    return outcomes


def slow_moves(monkeypatch: pytest.MonkeyPatch, seconds: float = 0.3) -> None:
    """Make every move linger inside its transaction, after it changed the order, so the
    other thread is sure to arrive while the first still holds the order."""
    original = base.move_recorded

    def lingering(order: Any, event: Any, store: Any) -> Any:
        result = original(order, event, store)
        time.sleep(seconds)
        return result

    monkeypatch.setattr(base, "move_recorded", lingering)
