"""The primary's pages while a heavy export runs: against the primary, then against a streaming replica.

    bench/replica_setup.sh    # as root: a streaming replica of the local cluster on port 5433
    .venv/bin/python bench/replica_export.py \
        --db postgres://civicdesk:civicdesk@127.0.0.1:5432/civicdesk_replica20_100k \
        --replica postgres://civicdesk:civicdesk@127.0.0.1:5433/civicdesk_replica20_100k \
        [--runs 15] [--year 2026] [--code accepted]

A bulk demo (`civicdesk demo --bulk`) is the primary's database. Three of the primary's pages are
requested through Django's in-process test client with DEBUG off, as the demo city's own staff
(as bench/pages.py does): the dispatch board (dispatcher1), the busiest unit's inbox (its
handler) and an open order's page (the same handler). They are timed (1) at rest, --runs times
each; (2) while a heavy export runs against the primary; (3) while the same export runs with
DATABASE_REPLICA_URL set, so that its reads go to the replica through the router
(civicdesk.lib.replica). The export is the product's own background export
(civicdesk.statistics.exports.build_orders_export) of every order accepted in one year, run in a
process of its own as the task worker would; its duration and rows are printed. During (2) and
(3) the pages are requested round-robin until the export ends.

Also printed, for each export: the rows and blocks each cluster read meanwhile (pg_stat_database
deltas), which show where the export's reads went whatever the load on the machine.

On one machine the replica shares the CPUs and the disk with the primary: what it cannot take
off the primary's pages here is the machine's load (the export's Python and the replica's
backend still run on the same cores); what it does take off is the primary's buffers, its
backends and its I/O queue. Read the medians with the load average printed beside them.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def _load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def _summary(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "n": len(ordered),
        "median": statistics.median(ordered),
        "p95": ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)],
    }


def _setup() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civicdesk.settings")
    os.environ["DEBUG"] = "0"
    import django

    django.setup()


# ----------------------------------------------------------------------------- the export


def _export(args: argparse.Namespace) -> None:
    """The child: one year of orders through the background export, timed."""
    _setup()
    from civicdesk.lib.replica import replica_reads
    from civicdesk.org.models import User
    from civicdesk.statistics.exports import build_orders_export
    from civicdesk.statistics.models import Export

    leader = User.objects.get(username="leader1")
    params = {"period": "year", "date": f"{args.year}-06-30", "code": args.code, "part": "numerator"}
    export = Export.objects.create(requested_by=leader, title=f"bench replica_export {args.year}", params=params)
    with replica_reads() as reads:
        source = reads.alias
    started, started_cpu = time.perf_counter(), time.process_time()
    rows = build_orders_export.call(export.pk)
    seconds, cpu = time.perf_counter() - started, time.process_time() - started_cpu
    export.refresh_from_db()
    size = export.file.size if export.file else 0
    if export.file:
        export.file.delete(save=False)
    error = export.error
    export.delete()
    print(
        json.dumps(
            {"rows": rows, "seconds": seconds, "cpu": cpu, "bytes": size, "source": source, "error": error},
            ensure_ascii=False,
        ),
        flush=True,
    )


# ----------------------------------------------------------------------------- the pages


def _pages() -> list[tuple[str, Any, str]]:
    from django.db.models import Count
    from django.test import Client

    from civicdesk.demo.city import HUB_CODE
    from civicdesk.orders.models import WorkOrder
    from civicdesk.orders.workflow import WITH_UNIT
    from civicdesk.org.models import OrgUnit, Role, User

    hub = OrgUnit.objects.get(code=HUB_CODE)
    dispatcher = User.objects.get(username="dispatcher1")
    busiest = (
        WorkOrder.objects.filter(hub=hub, state__in=sorted(WITH_UNIT))
        .values("lead_unit")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    assert busiest is not None, "no open orders: is this a bulk demo?"
    handler = (
        User.objects.filter(memberships__unit_id=busiest["lead_unit"], memberships__role=Role.HANDLER)
        .filter(is_superuser=False)
        .order_by("pk")
        .first()
    )
    assert handler is not None
    order = (
        WorkOrder.objects.filter(lead_unit_id=busiest["lead_unit"], state__in=sorted(WITH_UNIT))
        .order_by("-created_at")
        .first()
    )
    assert order is not None
    clients = {}
    for user in (dispatcher, handler):
        clients[user.pk] = Client()
        clients[user.pk].force_login(user)
    return [
        ("dispatch board (dispatcher)", clients[dispatcher.pk], "/orders/dispatch/"),
        (f"unit inbox, busiest ({busiest['n']} open)", clients[handler.pk], "/orders/inbox/"),
        ("order page (its handler)", clients[handler.pk], f"/orders/{order.number}/"),
    ]


def _time(client: Any, path: str) -> float:
    started = time.perf_counter()
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return (time.perf_counter() - started) * 1000


def _cluster_reads(url: str) -> dict[str, int]:
    """Rows and blocks read so far in the database of this URL on its own cluster."""
    import dj_database_url
    import psycopg

    c = dj_database_url.parse(url)
    with psycopg.connect(
        host=c["HOST"], port=c["PORT"], dbname=c["NAME"], user=c["USER"], password=c["PASSWORD"], autocommit=True
    ) as conn:
        row = conn.execute(
            "SELECT tup_returned + tup_fetched, blks_read + blks_hit, blks_read FROM pg_stat_database "
            "WHERE datname = current_database()"
        ).fetchone()
    assert row is not None
    return {"rows": int(row[0]), "blocks": int(row[1]), "disk_blocks": int(row[2])}


def _delta(after: dict[str, int], before: dict[str, int]) -> dict[str, int]:
    return {k: after[k] - before[k] for k in after}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", help="the primary's DATABASE_URL (a bulk demo)")
    parser.add_argument("--replica", help="the same database on the streaming replica")
    parser.add_argument("--runs", type=int, default=15, help="timed requests per page at rest")
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--year", type=int, default=0, help="the year exported (default: the one with most orders)")
    parser.add_argument("--code", default="accepted", help="the statistics measure whose orders are exported")
    parser.add_argument("--export", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.export:
        _export(args)
        return 0
    if not args.db or not args.replica:
        parser.error("give --db and --replica")
    # This process is the web server: the replica is configured, and its pages stay on the primary.
    os.environ["DATABASE_URL"] = args.db
    os.environ["DATABASE_REPLICA_URL"] = args.replica
    _setup()
    from django.db import connection
    from django.db.models.functions import ExtractYear

    from civicdesk.orders.models import WorkOrder

    if connection.vendor != "postgresql":
        raise SystemExit("bench/replica_export.py measures PostgreSQL only")
    if not args.year:
        years = WorkOrder.objects.annotate(y=ExtractYear("created_at")).values_list("y", flat=True)
        counts: dict[int, int] = {}
        for y in years.iterator(chunk_size=10000):
            counts[y] = counts.get(y, 0) + 1
        args.year = max(counts, key=lambda y: counts[y])
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_database_size(current_database())")
        size = cursor.fetchone()[0]
    total = WorkOrder.objects.count()
    pages = _pages()
    print(
        f"{total:,} orders ({size / 1e6:,.0f} MB); export: every order accepted in {args.year} ({args.code}), "
        f"xlsx through statistics.exports.build_orders_export; load average {_load()}",
        flush=True,
    )
    for _name, client, path in pages:
        for _ in range(args.warmup):
            _time(client, path)

    results: dict[str, dict[str, list[float]]] = {}
    exports: dict[str, dict[str, Any]] = {}
    loads: dict[str, str] = {}

    rest: dict[str, list[float]] = {name: [] for name, _c, _p in pages}
    for _ in range(args.runs):
        for name, client, path in pages:
            rest[name].append(_time(client, path))
    results["at rest"] = rest
    loads["at rest"] = _load()

    for case, replica_url in (("export on primary", None), ("export on replica", args.replica)):
        env = {k: v for k, v in os.environ.items() if k != "DATABASE_REPLICA_URL"}
        env.update({"DATABASE_URL": args.db, "DEBUG": "0"})
        if replica_url:
            env["DATABASE_REPLICA_URL"] = replica_url
        before = {"primary": _cluster_reads(args.db), "replica": _cluster_reads(args.replica)}
        command = [sys.executable, __file__, "--export", "--year", str(args.year), "--code", args.code]
        child = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, text=True)
        samples: dict[str, list[float]] = {name: [] for name, _c, _p in pages}
        while child.poll() is None:
            for name, client, path in pages:
                samples[name].append(_time(client, path))
        output = child.stdout.read() if child.stdout else ""
        if child.returncode != 0:
            raise SystemExit(f"the export failed ({case}): exit {child.returncode}")
        after = {"primary": _cluster_reads(args.db), "replica": _cluster_reads(args.replica)}
        exports[case] = json.loads([line for line in output.splitlines() if line.startswith("{")][-1])
        exports[case]["reads"] = {k: _delta(after[k], before[k]) for k in after}
        results[case] = samples
        loads[case] = _load()

    print()
    cases = list(results)
    print(f"{'page (ms)':<36}" + "".join(f" {c:>26}" for c in cases))
    print(f"{'':<36}" + "".join(f" {'median':>8} {'p95':>8} {'n':>8}" for _ in cases))
    for name, _c, _p in pages:
        line = f"{name[:36]:<36}"
        for case in cases:
            s = _summary(results[case][name])
            line += f" {s['median']:8.1f} {s['p95']:8.1f} {s['n']:8d}"
        print(line)
    print(f"{'load average after':<36}" + "".join(f" {loads[c]:>26}" for c in cases))
    print()
    for case, e in exports.items():
        reads = e["reads"]
        failed = f" FAILED: {e['error']}" if e["error"] else ""
        print(
            f"{case}: {e['rows']:,} orders, {e['bytes'] / 1e6:.1f} MB xlsx in {e['seconds']:.1f} s "
            f"(export process CPU {e['cpu']:.1f} s), read from {e['source']!r}{failed}; "
            f"meanwhile primary read {reads['primary']['rows']:,} rows / {reads['primary']['blocks']:,} blocks "
            f"({reads['primary']['disk_blocks']:,} from disk), replica {reads['replica']['rows']:,} rows / "
            f"{reads['replica']['blocks']:,} blocks ({reads['replica']['disk_blocks']:,} from disk)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
