"""The periodic sweeps the worker runs. Each is safe with several workers at once."""

from __future__ import annotations

from collections.abc import Callable

from civicdesk.notifications.delivery import run_deliver_outbox
from civicdesk.orders.actions.supervision import run_deadline_watch

SWEEPS: dict[str, Callable[[], int]] = {
    "deadline_watch": run_deadline_watch,
    # After the deadline watch, so the notices it writes go out in the same round.
    "deliver_outbox": run_deliver_outbox,
}


def run_all() -> dict[str, int]:
    return {name: sweep() for name, sweep in SWEEPS.items()}
