"""What one new order costs through the REST API, in CPU and queries: the figures behind the
intake-under-load goal of issue #20 (bench/intake_load.py measures the same path under load).

    .venv/bin/python bench/intake_cost.py [--db postgres://.../civicdesk_intake_load]
        [--orders 200] [--warmup 20] [--profile 25 [--profile-dir DIR]] [--discard-earlier] [--show-queries]

In this process, through Django's test client (DEBUG off), as one of the demo city's operators
with an API token: --warmup POSTs, then --orders POSTs of realistic bodies, each timed by

- the CPU time of this process (time.process_time: the app's Python, whatever else runs on the
  machine),
- the CPU time of this connection's PostgreSQL backend (read from /proc/<pid>/stat: user +
  system, in clock ticks, summed over the whole batch and divided by the orders),
- the queries it sends (and how many of them run inside its transaction).

Then the work each new order leaves to the task queue (django-tasks, database backend: the
reactions that need not be in the request, such as grouping it into a hotspot) is run here as
the worker runs it, and timed the same way: the CPU an order costs "all in" is the request plus
that. The figures end with what they allow: orders per second on 2 cores and on 8, if every core
did nothing else (app and PostgreSQL on the same machine).

--profile N prints the N functions with the most CPU time (cumulative, then their own) of one
batch under cProfile, timed by this process's CPU (a separate batch: the profiler's own cost is
not in the figures above).

PostgreSQL only. The database is written to (new orders of today, an API token of the operator):
use a copy of the 100k demo (civicdesk_intake_load, which bench/intake_load.py --reuse keeps),
never a database someone else reads from.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import secrets
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
TICKS = os.sysconf("SC_CLK_TCK")


def _load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def _backend_cpu(pid: int) -> float:
    """CPU seconds (user + system) PostgreSQL's backend `pid` has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--db", default="postgres://civicdesk:civicdesk@127.0.0.1:5432/civicdesk_intake_load")
    parser.add_argument("--orders", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--profile", type=int, default=0, help="print the top N functions of a profiled batch")
    parser.add_argument("--profile-dir", help="also save the two profiles there (requests.pstats, tasks.pstats)")
    parser.add_argument(
        "--discard-earlier", action="store_true", help="delete the tasks left queued by earlier runs, not run them"
    )
    parser.add_argument("--show-queries", action="store_true", help="print the SQL of one POST")
    args = parser.parse_args()
    if not args.db.startswith(("postgres://", "postgresql://")):
        raise SystemExit("bench/intake_cost.py measures PostgreSQL only (--db postgres://...)")

    # The database setup and the bodies are bench/intake_load.py's, so both measure the same path.
    from intake_load import _django, _samples, _tokens
    from interpreter import interpreter

    data_dir = Path(os.environ.get("CIVICDESK_DATA_DIR", ROOT / "var" / "bench-intake")).resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    _django(args.db, data_dir)
    # Imported once Django is set up (_django): the settings come from --db.
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django_tasks_db.models import DBTaskResult

    from civicdesk.orders.models import WorkOrder

    connection.settings_dict["CONN_MAX_AGE"] = None  # see run_queued
    call_command("migrate", interactive=False, verbosity=0)
    token = _tokens(1)[0]
    samples = _samples(200)
    run = f"cost{time.strftime('%H%M%S')}{secrets.token_hex(2)}"
    client = Client()
    sequence = iter(range(1, 10**9))
    seen: list[tuple[bool, str]] = []

    def note(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        seen.append((connection.in_atomic_block, sql))
        return execute(sql, params, many, context)

    def post() -> None:
        n = next(sequence)
        body = samples[n % len(samples)]
        answer = client.post(
            "/api/v1/orders",
            {**body, "title": f"{body['title']}〔{run}-{n}〕"},
            content_type="application/json",
            headers={"Authorization": f"Bearer {token}", "Idempotency-Key": f"{run}-{n}"},
        )
        if answer.status_code != 201:
            raise SystemExit(f"POST failed: {answer.status_code} {answer.content[:300]!r}")

    from django_tasks_db.management.commands.db_worker import Worker

    worker = Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=f"bench-{run}",
        excluded_queue_names=[],
    )

    # The worker's own loop (claim, run, record) runs on this process's connection: kept open
    # for the whole run (the worker closes a connection older than CONN_MAX_AGE between tasks),
    # so its PostgreSQL backend is the one measured.
    connection.close_at = None

    def run_queued() -> int:
        """Every task due, as `civicdesk worker` runs them; how many ran."""
        before = worker._run_tasks
        worker.run()
        return worker._run_tasks - before

    print(f"intake cost, run {run}; {WorkOrder.objects.count()} orders; load average {_load()} (1, 5, 15 min)")
    print(f"interpreter: {interpreter()}")
    # What earlier runs left queued is not this run's work, but would be run with it: a
    # bench/intake_load.py run at saturation leaves tens of thousands of tasks (the worker keeps
    # up with about a third of what the server takes in), which take a quarter of an hour here.
    earlier = DBTaskResult.objects.ready().count()
    if earlier and args.discard_earlier:
        DBTaskResult.objects.ready().delete()
        print(f"{earlier} tasks left queued by earlier runs: discarded (--discard-earlier)")
    elif earlier:
        print(f"{earlier} tasks left queued by earlier runs: run first, not counted (--discard-earlier drops them)")
        sys.stdout.flush()
        run_queued()
    for _ in range(args.warmup):
        post()
    # The warm-ups' tasks warm the worker up as the POSTs warm the request path: the first tasks
    # of a process read the gazetteer and the word lists (a second or so), which a worker that
    # has been running does not; they are run here, not counted.
    run_queued()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = int(cursor.fetchone()[0])

    seen.clear()
    with connection.execute_wrapper(note):
        post()
    queries, inside = len(seen), sum(1 for i, _s in seen if i)
    if args.show_queries:
        for i, sql in seen:
            print(f"  {'T' if i else ' '} {sql[:220]}")

    cpu: list[float] = []
    walls: list[float] = []
    db_before = _backend_cpu(backend)
    began = time.perf_counter()
    for _ in range(args.orders):
        c0, w0 = time.process_time(), time.perf_counter()
        post()
        cpu.append((time.process_time() - c0) * 1000)
        walls.append((time.perf_counter() - w0) * 1000)
    batch_wall = time.perf_counter() - began
    db_ms = (_backend_cpu(backend) - db_before) * 1000 / args.orders
    app_ms = statistics.mean(cpu)
    print(f"\nrequest (POST /api/v1/orders), {args.orders} orders after {args.warmup} warm-ups:")
    print(f"  queries per POST: {queries} ({inside} inside its transaction)")
    print(
        f"  app CPU per POST: mean {app_ms:.2f} ms, median {statistics.median(cpu):.2f} ms; "
        f"PostgreSQL backend CPU per POST: {db_ms:.2f} ms (tick {1000 / TICKS:.0f} ms, over the batch)"
    )
    print(
        f"  wall per POST: median {statistics.median(walls):.1f} ms ({batch_wall:.1f} s for the batch); "
        f"load average {_load()}"
    )

    # The work the requests left to the task queue, run as the worker runs it.
    tasks = DBTaskResult.objects.ready().count()
    orders_queued = args.orders + 1  # and the POST whose queries were counted
    worker_queries = 0

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        nonlocal worker_queries
        worker_queries += 1
        return execute(sql, params, many, context)

    c0, w0, d0 = time.process_time(), time.perf_counter(), _backend_cpu(backend)
    with connection.execute_wrapper(count):
        run_queued()
    task_app = (time.process_time() - c0) * 1000 / orders_queued
    task_db = (_backend_cpu(backend) - d0) * 1000 / orders_queued
    failed = DBTaskResult.objects.failed().filter(worker_ids__contains=[worker.worker_id]).count()
    print(
        f"\ntask queue: {tasks} tasks left by {orders_queued} POSTs, run in {time.perf_counter() - w0:.1f} s, "
        f"{failed} failed; per order: app CPU {task_app:.2f} ms, PostgreSQL backend CPU {task_db:.2f} ms, "
        f"{worker_queries / orders_queued:.1f} queries (BEGIN/COMMIT not counted)"
    )
    request = app_ms + db_ms
    everything = request + task_app + task_db
    print(
        f"\nCPU per order: request {request:.2f} ms (app {app_ms:.2f} + PostgreSQL {db_ms:.2f}), "
        f"all in with its queued work {everything:.2f} ms"
    )
    for cores in (2, 8):
        print(
            f"  {cores} cores doing nothing else: {cores * 1000 / request:.0f} requests/s; "
            f"{cores * 1000 / everything:.0f} orders/s with the queued work kept up"
        )

    if args.profile:
        # Timed by this process's CPU, not the clock: waiting for PostgreSQL is not counted.
        profiler = cProfile.Profile(time.process_time)
        profiler.enable()
        for _ in range(min(args.orders, 100)):
            post()
        profiler.disable()
        if args.profile_dir:
            profiler.dump_stats(Path(args.profile_dir) / "requests.pstats")
        print(f"\ncProfile (CPU time) of {min(args.orders, 100)} POSTs, top {args.profile} by cumulative time:")
        stats = pstats.Stats(profiler, stream=sys.stdout)
        stats.sort_stats("cumulative").print_stats(args.profile)
        print(f"\nthe same, top {args.profile} by own time:")
        stats.sort_stats("tottime").print_stats(args.profile)
        # Their queued work, profiled the same way.
        profiler = cProfile.Profile(time.process_time)
        profiler.enable()
        ran = run_queued()
        profiler.disable()
        if args.profile_dir:
            profiler.dump_stats(Path(args.profile_dir) / "tasks.pstats")
        print(f"\ncProfile (CPU time) of the {ran} tasks they queued, top {args.profile} by cumulative time:")
        stats = pstats.Stats(profiler, stream=sys.stdout)
        stats.sort_stats("cumulative").print_stats(args.profile)
        print(f"\nthe same, top {args.profile} by own time:")
        stats.sort_stats("tottime").print_stats(args.profile)
    print(f"load average at the end {_load()}")


if __name__ == "__main__":
    main()
