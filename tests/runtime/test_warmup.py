"""The server's warm-up loads everything a first click would, and every step succeeds on a
fresh installation (a failed step would only be logged, so this test is what notices it)."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from civicdesk.runtime.warmup import STEPS, warm_up
from tests.world import World


@pytest.fixture
def unfrozen_afterwards() -> Iterator[None]:
    yield
    gc.unfreeze()  # the warm-up's last step froze the test process's objects


def test_every_warm_up_step_runs(w: World, unfrozen_afterwards: None) -> None:
    calls: list[int] = []
    took = warm_up(between=lambda: calls.append(1))
    assert list(took) == [name for name, _step in STEPS]
    assert len(calls) == len(STEPS)  # gunicorn's heartbeat after each step
