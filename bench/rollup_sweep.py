"""What the statistics sweep costs per changed order, on a bulk demo's own data.

    DATABASE_URL=postgres://civicdesk:civicdesk@127.0.0.1:5432/civicdesk_<yours>_100k \\
        .venv/bin/python bench/rollup_sweep.py [--orders 40] [--batch 30] [--profile] [--explain 3]

Run it on a copy of a bulk demo (a large history: the cost must not grow with it), e.g.
`createdb -T civicdesk_speed20_100k civicdesk_<yours>_100k`, migrated, with its rollups built
(`civicdesk rebuild_rollups`; a sweep builds them when they never were).

Takes open orders of the demo held by a unit (newest first) and moves each as an approved
extension does, together with a 催办: its deadline two days later (its 办结/按时办结/超期 cell
and pending items move to another day) and one more urge (its 催办率 in its first-dispatch
cell), with the event a move writes. Then times what the sweep does with an order that changed
(`rollups.take_in`): one order at a time (median and p95 ms, queries), then `--batch` orders
moved at once, taken in by one sweep (the orders of one second at 30 moves a second: the sweep
keeps up while that takes under a second). Everything runs inside one transaction that is
rolled back: the database is left as it was. Issue #20's goal: <= 50 ms per changed order, and
keeping up with 30 moves a second. `--profile` prints cProfile's top functions for ten single
orders; `--explain N` the plans (EXPLAIN ANALYZE BUFFERS, PostgreSQL) of the N slowest
statements of taking in one order.

PostgreSQL or SQLite; prints the history's size and the load average (the machine may be shared)
and, on PostgreSQL, the CPU time of this process and of its database backend: on a busy machine
wall times are several times the work, CPU times are not.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
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


def _cpu(backend: int) -> tuple[float, float]:
    """CPU seconds so far of this process and of its PostgreSQL backend (same machine): the
    work done, which a shared machine's load does not inflate as it does the wall time."""
    ticks = os.sysconf("SC_CLK_TCK")
    server = 0.0
    if backend:
        fields = Path(f"/proc/{backend}/stat").read_text().rsplit(")", 1)[1].split()
        server = (int(fields[11]) + int(fields[12])) / ticks
    return time.process_time(), server


def _p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orders", type=int, default=40, help="orders moved and taken in one by one")
    parser.add_argument("--batch", type=int, default=30, help="orders moved, then taken in by one sweep")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--explain", type=int, default=0, help="plans of the N slowest statements")
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection, transaction
    from django.db.models import F, Max
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from civicdesk.orders.models import OrderEvent, WorkOrder
    from civicdesk.orders.workflow import WITH_UNIT
    from civicdesk.statistics import rollups
    from civicdesk.statistics.models import DailyRollup

    def move(order_ids: list[int]) -> None:
        """An approved extension and an urge, as the actions write them (row and event)."""
        WorkOrder.objects.filter(pk__in=order_ids).update(
            handle_due_at=F("handle_due_at") + dt.timedelta(days=2), urge_count=F("urge_count") + 1
        )
        seqs = dict(
            OrderEvent.objects.filter(order_id__in=order_ids)
            .values("order_id")
            .annotate(m=Max("seq"))
            .values_list("order_id", "m")
        )
        states = dict(WorkOrder.objects.filter(pk__in=order_ids).values_list("pk", "state"))
        OrderEvent.objects.bulk_create(
            OrderEvent(
                order_id=pk,
                seq=seqs.get(pk, 0) + 1,
                action="approve_extension",
                at=timezone.now(),
                from_state=states[pk],
                to_state=states[pk],
            )
            for pk in order_ids
        )

    total = WorkOrder.objects.count()
    events = OrderEvent.objects.count()
    rows = DailyRollup.objects.count()
    print(
        f"{connection.vendor}, history: {total:,} orders, {events:,} events, {rows:,} rollup rows; "
        f"load average {_load()}",
        flush=True,
    )
    wanted = args.orders + args.batch + 2
    ids = list(
        WorkOrder.objects.filter(state__in=sorted(WITH_UNIT), handle_due_at__isnull=False)
        .order_by("-pk")
        .values_list("pk", flat=True)[:wanted]
    )
    singles, batch = ids[: args.orders + 2], ids[args.orders + 2 :]
    backend = 0
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            backend = cursor.fetchone()[0]
    with transaction.atomic():
        # The footprints as a sweep leaves them (a database built before they were kept as
        # they are now would otherwise be read the slow way, once per order).
        rollups.save_footprints(ids)
        for order_id in singles[:2]:  # warm-up
            move([order_id])
            rollups.take_in([order_id])
        samples, queries = [], []
        slowest: list[tuple[float, str]] = []
        client_cpu = server_cpu = 0.0
        for order_id in singles[2:]:
            move([order_id])
            client, server = _cpu(backend)
            started = time.perf_counter()
            with CaptureQueriesContext(connection) as captured:
                rollups.take_in([order_id])
            samples.append((time.perf_counter() - started) * 1000)
            client_end, server_end = _cpu(backend)
            client_cpu += client_end - client
            server_cpu += server_end - server
            queries.append(len(captured.captured_queries))
            if not slowest:
                slowest = sorted(((float(q["time"]), q["sql"]) for q in captured.captured_queries), reverse=True)
        n = len(samples)
        print(
            f"one changed order taken in: median {statistics.median(samples):.1f} ms, p95 {_p95(samples):.1f} ms, "
            f"queries per order {statistics.median(queries):.0f}; CPU per order {client_cpu * 1000 / n:.1f} ms "
            f"Python + {server_cpu * 1000 / n:.1f} ms PostgreSQL ({n} orders; load {_load()})",
            flush=True,
        )
        if batch:
            move(batch)
            client, server = _cpu(backend)
            started = time.perf_counter()
            with CaptureQueriesContext(connection) as captured:
                rollups.take_in(batch)
            spent = (time.perf_counter() - started) * 1000
            client_end, server_end = _cpu(backend)
            cpu = (client_end - client + server_end - server) * 1000
            n = len(batch)
            print(
                f"{n} moves taken in by one sweep: {spent:.0f} ms, {spent / n:.1f} ms and "
                f"{len(captured.captured_queries) / n:.2f} queries per move ({len(captured.captured_queries)} in all); "
                f"throughput {n / spent * 1000:.0f} moves/s (keeps up with {n} moves/s while under 1000 ms); "
                f"CPU {cpu:.0f} ms ({(client_end - client) * 1000:.0f} Python + {(server_end - server) * 1000:.0f} "
                f"PostgreSQL): {n / cpu * 1000 if cpu else float('inf'):.0f} moves/s of one core's work "
                f"(load {_load()})",
                flush=True,
            )
        if args.profile:
            profiler = cProfile.Profile()
            for order_id in singles[2:12]:
                move([order_id])
                profiler.enable()
                rollups.take_in([order_id])
                profiler.disable()
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
        if args.explain and connection.vendor == "postgresql":
            for spent_s, sql in slowest[: args.explain]:
                print(f"\n-- {spent_s * 1000:.1f} ms: {sql[:300]}{'…' if len(sql) > 300 else ''}")
                with connection.cursor() as cursor:
                    cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
                    for (line,) in cursor.fetchall():
                        print(line)
        transaction.set_rollback(True)


if __name__ == "__main__":
    main()
