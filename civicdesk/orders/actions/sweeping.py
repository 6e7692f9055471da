"""How a sweep takes its orders: one at a time, each in its own transaction, the row locked
with SKIP LOCKED, the clock at the sweep's moment.

Several sweep workers may run the same pass at once (on PostgreSQL): an order another worker
holds at that moment is passed over rather than waited for, so workers never queue behind each
other, and the next round looks at it again. What the order needs is decided again under the
lock (`act` re-reads it), because another worker may have done it between the search and the
lock."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime

from django.db import transaction

from civicdesk.orders import clock
from civicdesk.orders.models import WorkOrder


def each_held(order_ids: Iterable[int], now: datetime, act: Callable[[int], int]) -> int:
    """Run `act(order_id)` for each order this worker can hold, under its row lock and with the
    clock at `now`; returns the sum of what `act` returned (how many things it did)."""
    done = 0
    for order_id in order_ids:
        with transaction.atomic():
            held = (
                WorkOrder.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(pk=order_id)
                .values_list("pk", flat=True)
                .first()
            )
            if held is None:
                continue  # another worker has it; the next round looks again
            with clock.running_at(now):
                done += act(order_id)
    return done
