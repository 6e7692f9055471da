"""Every role's main pages, timed as that role, on bulk demos of two (or more) sizes.

    .venv/bin/python bench/pages.py \
        --db 100000=postgres://civicdesk:civicdesk@127.0.0.1:5432/civicdesk_pages_100k \
        --db 1000000=postgres://civicdesk:civicdesk@127.0.0.1:5432/civicdesk_pages_1m \
        [--build] [--runs 20] [--warmup 2] [--only inbox,home] [--json out.json]

Each `--db ORDERS=URL` is measured in a process of its own (one after the other, never two at
once: the machine is shared). With --build, a database holding fewer than ORDERS orders of the
demo city is filled with the bulk demo (`civicdesk demo --bulk`); without it the database is used
as it is (the figures say how many orders it held). Pages are requested through Django's
in-process test client with DEBUG off, signed in as the demo city's own non-superuser staff:
dispatcher1, supervisor1, callback1, leader1, and the handler of the busiest unit (the most open
orders). Each page gets --warmup unmeasured requests, then --runs timed ones (median and
nearest-rank p95, in ms; and the median CPU time this process spent per request, which the load
of other processes on the machine moves much less), then one more with the queries counted
(--show-queries prints their SQL, for finding a query per row; --profile N prints cProfile's N
costliest functions of one more request, for the Python part of a page). The table ends with the ratio
of the last database's median to the first's: the goal of issue #20 is <= 1.5 (cost follows what
is on the screen, not the size of the history), staff pages p95 <= 50 ms at 1M orders,
statistics <= 200 ms, the order page <= 10 queries.

PostgreSQL only. Load on the machine moves absolute figures: the load average is printed with
every database's figures; read the ratios and the query counts first.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import math
import os
import pstats
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from interpreter import interpreter

ROOT = Path(__file__).resolve().parent.parent


def _load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


# ----------------------------------------------------------------------------- child


def _child(args: argparse.Namespace) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civicdesk.settings")
    os.environ["DEBUG"] = "0"
    import django

    django.setup()

    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from civicdesk.api.models import ApiToken
    from civicdesk.api.tokens import create_token
    from civicdesk.demo.city import HUB_CODE
    from civicdesk.orders.models import OrderEvent, WorkOrder
    from civicdesk.orders.workflow import WITH_UNIT, State
    from civicdesk.org.models import Membership, OrgUnit, Role, User
    from civicdesk.statistics.dashboard import OVERVIEW
    from civicdesk.statistics.models import Export

    assert not settings.DEBUG
    if connection.vendor != "postgresql":
        raise SystemExit("bench/pages.py measures PostgreSQL only")
    migrated = WorkOrder._meta.db_table in connection.introspection.table_names()
    existing = WorkOrder.objects.filter(hub__code=HUB_CODE).count() if migrated else 0
    build_seconds = None
    if args.build and existing < args.orders:
        started = time.monotonic()
        call_command("demo", orders=args.orders, bulk=True, no_serve=True, verbosity=0)
        build_seconds = time.monotonic() - started
    else:
        call_command("migrate", interactive=False, verbosity=0)
    hub = OrgUnit.objects.get(code=HUB_CODE)
    total = WorkOrder.objects.count()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_database_size(current_database())")
        size = cursor.fetchone()[0]

    def staff(username: str) -> User:
        user = User.objects.get(username=username)
        assert not user.is_superuser, username
        return user

    dispatcher, supervisor, callback, leader = (
        staff(n) for n in ("dispatcher1", "supervisor1", "callback1", "leader1")
    )
    # The busiest unit: the most open orders it leads.
    busiest = (
        WorkOrder.objects.filter(hub=hub, state__in=sorted(WITH_UNIT))
        .values("lead_unit")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    assert busiest is not None, "no open orders"
    unit = OrgUnit.objects.get(pk=busiest["lead_unit"])
    handler = (
        User.objects.filter(memberships__unit=unit, memberships__role=Role.HANDLER, is_superuser=False)
        .order_by("pk")
        .first()
    )
    assert handler is not None, f"no handler at {unit.name}"
    assert Membership.objects.filter(user=handler, unit=unit).exists()

    # The orders the order pages open.
    open_order = WorkOrder.objects.filter(lead_unit=unit, state__in=sorted(WITH_UNIT)).order_by("-created_at").first()
    assert open_order is not None
    recent_ids = list(WorkOrder.objects.filter(hub=hub).order_by("-pk").values_list("pk", flat=True)[:20000])
    longest = (
        OrderEvent.objects.filter(order_id__in=recent_ids)
        .values("order_id")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    long_order = WorkOrder.objects.get(pk=longest["order_id"]) if longest else open_order
    flagged_order = (
        WorkOrder.objects.filter(hub=hub, supervision_level__gt=0, state__in=sorted(WITH_UNIT)).first() or open_order
    )
    phone = (
        WorkOrder.objects.filter(hub=hub, confidential=False)
        .exclude(citizen_phone="")
        .order_by("-pk")
        .values_list("citizen_phone", flat=True)
        .first()
    )
    category = (
        WorkOrder.objects.filter(pk__in=recent_ids, state=State.PENDING_DISPATCH)
        .exclude(category=None)
        .values("category__parent__parent", "category__parent", "category")
        .first()
    )
    category_id = (category or {}).get("category__parent") or (category or {}).get("category") or ""

    ApiToken.objects.filter(user=dispatcher, name="bench-pages").delete()
    _record, token = create_token(dispatcher, "bench-pages")

    month, year = "period=month", "period=year"
    pages: list[tuple[str, User | None, str, dict[str, Any]]] = [
        ("home: dispatcher", dispatcher, "/", {}),
        ("home: handler of busiest unit", handler, "/", {}),
        ("home: supervisor", supervisor, "/", {}),
        ("home: callback agent", callback, "/", {}),
        ("home: leader", leader, "/", {}),
        ("dispatch board, default", dispatcher, "/orders/dispatch/", {}),
        (
            "dispatch board, category + urgency",
            dispatcher,
            f"/orders/dispatch/?category={category_id}&urgency=urgent",
            {},
        ),
        (f"unit inbox, busiest ({unit.name})", handler, "/orders/inbox/", {}),
        ("callback queue", callback, "/orders/callbacks/", {}),
        ("supervision", supervisor, "/orders/supervision/", {}),
        ("search: phone (POST)", dispatcher, "/orders/search/", {"post": {"q": phone}}),
        ("search: word 停水", dispatcher, "/orders/search/?q=停水", {}),
        ("order page: longest history, dispatcher", dispatcher, f"/orders/{long_order.number}/", {}),
        ("order page: open, its handler", handler, f"/orders/{open_order.number}/", {}),
        ("order page: flagged, supervisor", supervisor, f"/orders/{flagged_order.number}/", {}),
        ("stats: dashboard page", leader, "/stats/", {}),
        ("stats: dashboard JSON month", leader, f"/stats/api/dashboard/?{month}", {}),
        ("stats: dashboard JSON year", leader, f"/stats/api/dashboard/?{year}", {}),
        ("stats: assessment (ranking)", leader, "/stats/assessment/", {}),
        *[
            (f"stats: drill {code} (month)", leader, f"/stats/orders/?{month}&code={code}&part=numerator", {})
            for code in OVERVIEW
        ],
        ("export: 超期 of the month (xlsx or queued)", leader, f"/stats/export/orders/?{month}&code=overdue", {}),
        ("API GET /api/v1/orders", None, "/api/v1/orders", {"headers": {"HTTP_AUTHORIZATION": f"Bearer {token}"}}),
        ("Open311 GET requests.json (default)", None, "/open311/v2/requests.json", {}),
    ]
    only = [w.strip() for w in (args.only or "").split(",") if w.strip()]
    if only:
        pages = [p for p in pages if any(w in p[0] for w in only)]

    clients: dict[int | None, Client] = {}

    def client_for(user: User | None) -> Client:
        key = user.pk if user is not None else None
        if key not in clients:
            clients[key] = Client()
            if user is not None:
                clients[key].force_login(user)
        return clients[key]

    # As `civicdesk serve` does in each of its processes before the first request (the warm-up
    # ends by setting aside what the process loaded from the garbage collector's walks).
    from civicdesk.runtime.warmup import warm_up

    warm_up()
    exports_before = Export.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    print(
        json.dumps(
            {
                "kind": "db",
                "orders": total,
                "size_mb": round(size / 1e6),
                "busiest_unit": unit.name,
                "busiest_open": busiest["n"],
                "build_seconds": build_seconds,
                "load": _load(),
            },
            ensure_ascii=False,
        ),
        flush=True,
    )

    def request(client: Client, path: str, extra: dict[str, Any]) -> int:
        headers = extra.get("headers", {})
        if "post" in extra:
            return client.post(path, extra["post"], **headers).status_code
        return client.get(path, **headers).status_code

    for name, user, path, extra in pages:
        client = client_for(user)
        for _ in range(args.warmup):
            request(client, path, extra)
        samples = []
        cpu = []
        status = 0
        for _ in range(args.runs):
            started, started_cpu = time.perf_counter(), time.process_time()
            status = request(client, path, extra)
            samples.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
        # (A full log — 9,000 entries, e.g. after a migrate — would make the capture read 0.)
        connection.queries_log.clear()
        with CaptureQueriesContext(connection) as queries:
            request(client, path, extra)
        captured = list(queries.captured_queries)  # before any other request
        if args.profile:
            # Where the process's time goes (the Python part of a page): cProfile of one more request.
            profiler = cProfile.Profile()
            profiler.enable()
            request(client, path, extra)
            profiler.disable()
            print(f"# {name}: cProfile, by own time", file=sys.stderr, flush=True)
            pstats.Stats(profiler, stream=sys.stderr).sort_stats("tottime").print_stats(args.profile)
        samples.sort()
        if args.show_queries:
            for number, query in enumerate(captured, 1):
                print(f"# {name} [{number}] {query['time']}s {query['sql']}", file=sys.stderr, flush=True)
        print(
            json.dumps(
                {
                    "kind": "page",
                    "page": name,
                    "status": status,
                    "median": statistics.median(samples),
                    "p95": samples[max(0, math.ceil(0.95 * len(samples)) - 1)],
                    "cpu": statistics.median(cpu),
                    "queries": len(captured),
                    "load": _load(),
                },
                ensure_ascii=False,
            ),
            flush=True,
        )
    # The queued exports the runs asked for are not wanted.
    Export.objects.filter(pk__gt=exports_before).delete()
    ApiToken.objects.filter(user=dispatcher, name="bench-pages").delete()


# ----------------------------------------------------------------------------- parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", action="append", default=[], help="ORDERS=DATABASE_URL, smallest first")
    parser.add_argument("--build", action="store_true", help="fill a database that holds fewer orders")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--only", help="comma-separated parts of page names")
    parser.add_argument("--json", help="also write the figures to this file")
    parser.add_argument("--show-queries", action="store_true", help="print each page's SQL to stderr")
    parser.add_argument(
        "--profile", type=int, default=0, metavar="N", help="print cProfile's N costliest functions of each page"
    )
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--orders", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args)
        return 0
    if not args.db:
        parser.error("give at least one --db ORDERS=URL")
    results: list[tuple[dict[str, Any], dict[str, dict[str, Any]]]] = []
    for spec in args.db:
        orders, _, url = spec.partition("=")
        command = [sys.executable, __file__, "--child", "--orders", orders, "--runs", str(args.runs)]
        command += ["--warmup", str(args.warmup)]
        if args.build:
            command.append("--build")
        if args.only:
            command += ["--only", args.only]
        if args.show_queries:
            command.append("--show-queries")
        if args.profile:
            command += ["--profile", str(args.profile)]
        env = {**os.environ, "DATABASE_URL": url, "DEBUG": "0"}
        # stderr (the SQL asked for with --show-queries, warnings) goes straight to ours.
        output = subprocess.run(command, env=env, check=True, stdout=subprocess.PIPE, text=True).stdout
        db: dict[str, Any] = {}
        pages: dict[str, dict[str, Any]] = {}
        for line in output.splitlines():
            if not line.startswith("{"):
                continue
            row = json.loads(line)
            if row["kind"] == "db":
                db = row
            else:
                pages[row["page"]] = row
        results.append((db, pages))
        built = f", built in {db['build_seconds']:.0f} s" if db.get("build_seconds") else ""
        print(
            f"{db['orders']:,} orders ({db['size_mb']:,} MB{built}); busiest unit {db['busiest_unit']} "
            f"with {db['busiest_open']:,} open; load average at start {db['load']}",
            flush=True,
        )
    print(f"interpreter: {interpreter()}")
    print(
        f"\n{args.warmup} warm-ups, {args.runs} runs per page; ms (cpu: this process's CPU time per request, "
        "median); load average after each database's pages"
    )
    header = f"{'page':<48}" + "".join(f" {'med':>8} {'p95':>8} {'cpu':>7} {'q':>4}" for _ in results)
    header += f" {'ratio':>6}" if len(results) > 1 else ""
    print(header)
    print(" " * 48 + "".join(f" {db['orders']:>30,}" for db, _ in results))
    for name in results[0][1]:
        line = f"{name[:48]:<48}"
        for _db, pages in results:
            row = pages.get(name)
            if row is None:
                line += f" {'-':>8} {'-':>8} {'-':>7} {'-':>4}"
                continue
            flag = "" if row["status"] == 200 else f"[{row['status']}]"
            line += f" {row['median']:8.1f} {row['p95']:8.1f} {row['cpu']:7.1f} {row['queries']:>4}{flag}"
        if len(results) > 1 and name in results[-1][1]:
            line += f" {results[-1][1][name]['median'] / max(results[0][1][name]['median'], 0.01):6.2f}"
        print(line)
    for db, pages in results:
        last = list(pages.values())[-1]["load"] if pages else "-"
        print(f"load average: {db['orders']:,} orders start {db['load']}, end {last}")
    if args.json:
        Path(args.json).write_text(
            json.dumps([{"db": d, "pages": p} for d, p in results], ensure_ascii=False, indent=1)
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
