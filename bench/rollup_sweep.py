"""What the statistics sweep costs per changed order, on a bulk demo's own data.

    DATABASE_URL=postgres://civicdesk:civicdesk@127.0.0.1:5432/civicdesk_search20_100k \\
        .venv/bin/python bench/rollup_sweep.py [--orders 40] [--batch 30] [--profile]

Takes open orders of the demo (newest first) and, for each, times what the sweep does with an
order that changed (`rollups.take_in`): alone (median and p95 ms, queries), then `--batch` of
them at once (the orders of one second at 30 moves a second: the sweep keeps up while that
takes under a second). Everything runs inside one transaction that is rolled back: the
database is left as it was. The rollups must have been built (the bulk demo builds them).
Issue #20's goal: <= 50 ms per changed order, and keeping up with 30 moves a second.
`--profile` prints cProfile's top functions for the single-order case.

PostgreSQL or SQLite; prints the load average, since the machine may be shared.
"""

from __future__ import annotations

import argparse
import cProfile
import math
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civicdesk.settings")


def _load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orders", type=int, default=40, help="orders timed one by one")
    parser.add_argument("--batch", type=int, default=30, help="orders taken in at once")
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from civicdesk.orders.models import WorkOrder
    from civicdesk.orders.workflow import WITH_UNIT
    from civicdesk.statistics import rollups

    def take_in(order_ids: list[int]) -> None:
        if hasattr(rollups, "take_in"):
            rollups.take_in(order_ids)
        else:  # the code before take_in existed (to measure "before" with the same script)
            rollups.recompute_days(rollups.order_days(order_ids))
            rollups.save_footprints(order_ids)

    total = WorkOrder.objects.count()
    print(f"{connection.vendor}, {total:,} orders; load average {_load()}", flush=True)
    wanted = args.orders + args.batch + 2
    ids = list(
        WorkOrder.objects.filter(state__in=sorted(WITH_UNIT)).order_by("-pk").values_list("pk", flat=True)[:wanted]
    )
    singles, batch = ids[: args.orders + 2], ids[args.orders + 2 :]
    with transaction.atomic():
        # The footprints as a sweep leaves them (a database built before cells were kept holds
        # days only, which the first sweep of each order reads the slow way, once).
        rollups.save_footprints(ids)
        for order_id in singles[:2]:  # warm-up
            take_in([order_id])
        samples, queries = [], []
        for order_id in singles[2:]:
            started = time.perf_counter()
            with CaptureQueriesContext(connection) as captured:
                take_in([order_id])
            samples.append((time.perf_counter() - started) * 1000)
            queries.append(len(captured.captured_queries))
        samples.sort()
        p95 = samples[max(0, math.ceil(0.95 * len(samples)) - 1)]
        print(
            f"one changed order taken in: median {statistics.median(samples):.1f} ms, p95 {p95:.1f} ms, "
            f"queries {statistics.median(queries):.0f} ({len(samples)} orders; load {_load()})",
            flush=True,
        )
        if batch:
            started = time.perf_counter()
            take_in(batch)
            spent = (time.perf_counter() - started) * 1000
            print(
                f"{len(batch)} changed orders at once: {spent:.0f} ms, {spent / len(batch):.1f} ms per order "
                f"(keeps up with {len(batch)} moves/s while under 1000 ms; load {_load()})",
                flush=True,
            )
        if args.profile:
            profiler = cProfile.Profile()
            profiler.enable()
            for order_id in singles[2:12]:
                take_in([order_id])
            profiler.disable()
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
        transaction.set_rollback(True)


if __name__ == "__main__":
    main()
