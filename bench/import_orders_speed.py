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
the process's CPU time (what the rate would be on an idle core) and the machine's load
average (the machine is shared), then runs the import again to show
the resume path (every row skipped).
"""

from __future__ import annotations

import argparse
import csv
import os
import resource
import sys
import tempfile
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path(os.environ.get("CIVICDESK_TEST_DATA") or DEFAULT_DATA))
    parser.add_argument("--copies", type=int, default=3)
    parser.add_argument("--batch", type=int, default=5000)
    parser.add_argument("--workers", type=int, default=1, help="processes sharing the rows")
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

        started, cpu = time.monotonic(), cpu_now()
        report = import_orders(path, cmap, hub, batch_size=args.batch, workers=args.workers)
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
        print(f"load average (1/5/15 min): {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} on {os.cpu_count()} cores")
        started = time.monotonic()
        again = import_orders(path, cmap, hub, batch_size=args.batch, workers=args.workers)
        print(
            f"run again (resume): imported {again.imported}, skipped {again.skipped} "
            f"in {time.monotonic() - started:.1f} s"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
