"""How fast does `import-orders` bring history in? Goal: ≥ 2,000 orders/s on PostgreSQL.

    .venv/bin/python bench/import_orders_speed.py [--copies 3] [--data DIR]
        [DATABASE_URL=postgres://civicdesk:civicdesk@127.0.0.1:5432/civicdesk_bench_import]

Input: the 13,394 real Boston 311 cases of 2015 (../shared/data/boston311_2015_subset),
written into one CSV `--copies` times (each copy's case numbers get a suffix, so every row
is a new order), imported with the shipped boston311 map into a fresh database of its own
(dropped and created again), under a hub with one unit per department. Each case is carried
through the real moves: created, sent to the hub, dispatched, and for a closed case signed,
replied, accepted and closed (about 7 events). Prints the rows, the orders and events
written, the wall time and rate of the import alone (reading, checking, moves, COPY), and
the process's CPU time (what the rate would be on an idle core), the CPU time of the
database server's processes serving this database (PostgreSQL on this machine: sampled from
/proc while the import runs) and the machine's load average (the machine is shared), then
runs the import again to show the resume path (every row skipped).

`--profile FILE` runs the import (one process) under cProfile (the main thread's CPU time),
writes its statistics to FILE and prints the 30 functions with the most time of their own.
"""

from __future__ import annotations

import argparse
import cProfile
import csv
import os
import pstats
import resource
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civicdesk.settings")
DEFAULT_URL = "postgres://civicdesk:civicdesk@127.0.0.1:5432/civicdesk_bench_import"
os.environ.setdefault("DATABASE_URL", DEFAULT_URL)
DEFAULT_DATA = ROOT.parent / "shared" / "data"


def _fresh_database(url: str) -> None:
    import psycopg

    parts = urlparse(url)
    if parts.scheme.startswith("postgres"):
        name = parts.path.lstrip("/")
        admin = parts._replace(path="/postgres").geturl()
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')


class ServerCPU:
    """CPU seconds (user + system) of the PostgreSQL processes serving this database, read
    from /proc every fifth of a second while the import runs: the server shares the cores."""

    def __init__(self) -> None:
        self.seen: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self.readable = True

    def _sample(self) -> None:
        import psycopg

        url = os.environ["DATABASE_URL"]
        with psycopg.connect(url, autocommit=True) as conn:
            own = conn.info.backend_pid
            while True:
                pids = [
                    pid
                    for (pid,) in conn.execute(
                        "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> %s", (own,)
                    )
                ]
                for pid in pids:
                    try:
                        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                    except OSError:
                        continue  # ended meanwhile, or not on this machine
                    ticks = int(fields[11]) + int(fields[12])  # utime, stime
                    self.seen[pid] = max(self.seen.get(pid, 0.0), ticks / os.sysconf("SC_CLK_TCK"))
                if self._stop.wait(0.2):
                    return

    def _run(self) -> None:
        try:
            self._sample()
        except Exception:  # a figure we cannot take is reported as such
            self.readable = False

    def __enter__(self) -> ServerCPU:
        if urlparse(os.environ["DATABASE_URL"]).scheme.startswith("postgres"):
            self._thread.start()
        else:
            self.readable = False
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()

    @property
    def seconds(self) -> float:
        return sum(self.seen.values())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path(os.environ.get("CIVICDESK_TEST_DATA") or DEFAULT_DATA))
    parser.add_argument("--copies", type=int, default=3)
    parser.add_argument("--batch", type=int, default=5000)
    parser.add_argument("--workers", type=int, default=1, help="processes sharing the rows")
    parser.add_argument("--profile", type=Path, default=None, help="cProfile the import, statistics to this file")
    args = parser.parse_args()
    boston = args.data / "boston311_2015_subset"
    if not boston.is_dir():
        print(f"Boston 311 data not found at {boston}", file=sys.stderr)
        return 2
    _fresh_database(os.environ["DATABASE_URL"])

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from civicdesk.exchange.importing import import_orders
    from civicdesk.exchange.mapping import load_map
    from civicdesk.orders.models import OrderEvent, WorkOrder
    from civicdesk.org.models import OrgUnit, UnitKind

    call_command("migrate", verbosity=0)
    rows: list[dict[str, str]] = []
    for file in sorted(boston.glob("*.csv")):
        if file.name != "MANIFEST.csv":
            with file.open(encoding="utf-8", newline="") as f:
                rows.extend(csv.DictReader(f))
    hub = OrgUnit.objects.create(name="Boston 311", code="bos-311", kind=UnitKind.CENTER, is_hub=True)
    for code in sorted({r["Department"] for r in rows}):
        OrgUnit.objects.create(name=f"Boston {code}", code=code, kind=UnitKind.DEPARTMENT, parent=hub)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "boston.csv"
        with path.open("w", encoding="utf-8", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=list(rows[0]))
            writer.writeheader()
            for copy in range(args.copies):
                for row in rows:
                    number = row["CASE_ENQUIRY_ID"] + (f"-{copy}" if copy else "")
                    writer.writerow({**row, "CASE_ENQUIRY_ID": number})
        total = len(rows) * args.copies
        cmap = load_map("boston311")

        def cpu_now() -> float:
            # This process (and its writer thread) plus the worker processes it waited for.
            children = resource.getrusage(resource.RUSAGE_CHILDREN)
            return time.process_time() + children.ru_utime + children.ru_stime

        # The main thread's CPU time, not the wall clock: on a shared machine waiting is no cost.
        profiler = cProfile.Profile(time.thread_time) if args.profile else None
        with ServerCPU() as server:
            started, cpu = time.monotonic(), cpu_now()
            if profiler is not None:
                profiler.enable()
            report = import_orders(path, cmap, hub, batch_size=args.batch, workers=args.workers)
            if profiler is not None:
                profiler.disable()
            seconds, cpu = time.monotonic() - started, cpu_now() - cpu
        load = os.getloadavg()
        orders, events = WorkOrder.objects.count(), OrderEvent.objects.count()
        print(f"database: {connection.vendor}  rows in file: {total}  workers: {args.workers}")
        print(f"imported {report.imported}, rejected {len(report.rejected)}, skipped {report.skipped}")
        print(f"orders in database {orders}, events {events} ({events / max(orders, 1):.1f} per order)")
        print(f"import: {seconds:.1f} s, {report.imported / seconds:.0f} orders/s (goal ≥ 2000)")
        print(
            f"CPU time of the import (its writer threads and worker processes included): "
            f"{cpu:.1f} s, {report.imported / cpu:.0f} orders per CPU-second (the database server's CPU not counted)"
        )
        if server.readable and server.seen:
            print(
                f"CPU time of the database server's processes for this database (sampled): {server.seconds:.1f} s "
                f"({len(server.seen)} processes); import and server together: "
                f"{report.imported / (cpu + server.seconds):.0f} orders per CPU-second"
            )
        else:
            print("CPU time of the database server: not readable here (not PostgreSQL on this machine)")
        print(f"load average (1/5/15 min): {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} on {os.cpu_count()} cores")
        if profiler is not None:
            profiler.dump_stats(str(args.profile))
            print(f"profile written to {args.profile}; the functions with the most time of their own:")
            pstats.Stats(str(args.profile), stream=sys.stdout).sort_stats("tottime").print_stats(30)
        started = time.monotonic()
        again = import_orders(path, cmap, hub, batch_size=args.batch, workers=args.workers)
        print(
            f"run again (resume): imported {again.imported}, skipped {again.skipped} "
            f"in {time.monotonic() - started:.1f} s"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
