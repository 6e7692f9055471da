"""The server's warm-up loads everything a first click would, and every step succeeds on a
fresh installation (a failed step would only be logged, so this test is what notices it)."""

from __future__ import annotations

from civicdesk.runtime.warmup import STEPS, warm_up
from tests.world import World


def test_every_warm_up_step_runs(w: World) -> None:
    calls: list[int] = []
    took = warm_up(between=lambda: calls.append(1))
    assert list(took) == [name for name, _step in STEPS]
    assert len(calls) == len(STEPS)  # gunicorn's heartbeat after each step
