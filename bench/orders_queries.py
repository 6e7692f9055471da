"""How fast are the queries staff run all day, on a year of a busy hotline?

    DATABASE_URL=postgres://... .venv/bin/python bench/orders_queries.py [--orders N] [--reuse] [--explain]

Builds N orders (default 1,000,000) with the demo's bulk generator (`civicdesk demo --bulk`,
which only adds what is missing), unless --reuse is given and the database already holds
them; runs ANALYZE; then times each query written with the ORM the way a view writes it,
and the same query as hand-written SQL, and prints median and p95 in milliseconds.
Goal: every ORM query within 3x of its SQL and under 50 ms at p95.

PostgreSQL only: SQLite timings say nothing about the production database.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civicdesk.settings")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from civicdesk.demo.city import HUB_CODE  # noqa: E402
from civicdesk.orders.models import WorkOrder  # noqa: E402
from civicdesk.orders.workflow import WATCHED, WITH_UNIT, State  # noqa: E402
from civicdesk.org.models import OrgUnit  # noqa: E402

PAGE = 50
WARMUP = 5
REPEAT = 50
GOAL_RATIO = 3.0
GOAL_P95_MS = 50.0

# The columns of the tables the list pages join (what select_related fetches).
_ORDER_COLUMNS = [f.column for f in WorkOrder._meta.concrete_fields]
_UNIT_COLUMNS = [f.column for f in OrgUnit._meta.concrete_fields]


def _cols(alias: str, columns: list[str]) -> str:
    return ", ".join(f'{alias}."{c}"' for c in columns)


@dataclass
class Case:
    name: str
    orm: Callable[[random.Random], Any]
    raw: Callable[[random.Random], Any]
    explain: Callable[[random.Random], tuple[str, list[Any]]]


def _fetch(sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def cases(now: Any) -> list[Case]:
    hub = OrgUnit.objects.get(code=HUB_CODE)
    with_unit = sorted(WITH_UNIT)
    watched = sorted(WATCHED)
    # Units that lead open orders, busiest and quietest alike.
    units = list(
        WorkOrder.objects.filter(state__in=with_unit).values_list("lead_unit_id", flat=True).distinct()
    ) or list(OrgUnit.objects.values_list("pk", flat=True))
    low, high = (
        WorkOrder.objects.order_by("pk").values_list("pk", flat=True).first(),
        WorkOrder.objects.order_by("-pk").values_list("pk", flat=True).first(),
    )
    assert low is not None and high is not None, "no orders to query"

    def some_order(rng: random.Random) -> int:
        return rng.randint(low, high)

    # --- a unit's inbox, nearest deadline first -------------------------------------
    inbox_sql = (
        f"SELECT {_cols('o', _ORDER_COLUMNS)}, {_cols('u', _UNIT_COLUMNS)} FROM orders_workorder o "
        "LEFT JOIN org_orgunit u ON u.id = o.lead_unit_id "
        "WHERE o.lead_unit_id = %s AND o.state = ANY(%s) ORDER BY o.handle_due_at LIMIT %s"
    )

    def inbox_orm(rng: random.Random) -> Any:
        unit = rng.choice(units)
        return list(
            WorkOrder.objects.filter(lead_unit_id=unit, state__in=with_unit)
            .select_related("lead_unit")
            .order_by("handle_due_at")[:PAGE]
        )

    def inbox_raw(rng: random.Random) -> Any:
        return _fetch(inbox_sql, [rng.choice(units), with_unit, PAGE])

    # --- the hub's pending-dispatch queue, oldest first ----------------------------
    pending_sql = (
        f"SELECT {_cols('o', _ORDER_COLUMNS)} FROM orders_workorder o "
        "WHERE o.hub_id = %s AND o.state = %s ORDER BY o.created_at LIMIT %s OFFSET %s"
    )

    def pending_orm(rng: random.Random) -> Any:
        start = rng.choice([0, 0, 0, PAGE])  # mostly the first page, sometimes the second
        return list(
            WorkOrder.objects.filter(hub=hub, state=State.PENDING_DISPATCH).order_by("created_at")[start : start + PAGE]
        )

    def pending_raw(rng: random.Random) -> Any:
        return _fetch(pending_sql, [hub.pk, State.PENDING_DISPATCH.value, PAGE, rng.choice([0, 0, 0, PAGE])])

    # --- overdue orders, most overdue first ----------------------------------------
    overdue_sql = (
        f"SELECT {_cols('o', _ORDER_COLUMNS)}, {_cols('u', _UNIT_COLUMNS)} FROM orders_workorder o "
        "LEFT JOIN org_orgunit u ON u.id = o.lead_unit_id "
        "WHERE o.state = ANY(%s) AND o.handle_due_at < %s ORDER BY o.handle_due_at LIMIT %s"
    )

    def overdue_orm(rng: random.Random) -> Any:
        return list(
            WorkOrder.objects.filter(state__in=watched, handle_due_at__lt=now)
            .select_related("lead_unit")
            .order_by("handle_due_at")[:PAGE]
        )

    def overdue_raw(rng: random.Random) -> Any:
        return _fetch(overdue_sql, [watched, now, PAGE])

    # --- one order with its history -------------------------------------------------
    order_sql = f"SELECT {_cols('o', _ORDER_COLUMNS)} FROM orders_workorder o WHERE o.id = %s"
    events_sql = "SELECT e.* FROM orders_orderevent e WHERE e.order_id = %s ORDER BY e.seq"
    assignments_sql = (
        f"SELECT a.*, {_cols('u', _UNIT_COLUMNS)} FROM orders_assignment a "
        "JOIN org_orgunit u ON u.id = a.unit_id WHERE a.order_id = %s ORDER BY a.id"
    )

    def history_orm(rng: random.Random) -> Any:
        order = WorkOrder.objects.get(pk=some_order(rng))
        return order, list(order.events.order_by("seq")), list(order.assignments.select_related("unit").order_by("pk"))

    def history_raw(rng: random.Random) -> Any:
        pk = some_order(rng)
        return _fetch(order_sql, [pk]), _fetch(events_sql, [pk]), _fetch(assignments_sql, [pk])

    return [
        Case(
            "unit inbox (lead_unit, WITH_UNIT, by handle_due_at)",
            inbox_orm,
            inbox_raw,
            lambda rng: (inbox_sql, [rng.choice(units), with_unit, PAGE]),
        ),
        Case(
            "hub pending dispatch (by created_at)",
            pending_orm,
            pending_raw,
            lambda rng: (pending_sql, [hub.pk, State.PENDING_DISPATCH.value, PAGE, 0]),
        ),
        Case(
            "overdue (WATCHED, due < now, + lead_unit)",
            overdue_orm,
            overdue_raw,
            lambda rng: (overdue_sql, [watched, now, PAGE]),
        ),
        Case("one order + events + assignments", history_orm, history_raw, lambda rng: (events_sql, [some_order(rng)])),
    ]


def _time(run: Callable[[random.Random], Any], seed: int) -> list[float]:
    rng = random.Random(seed)
    for _ in range(WARMUP):
        run(rng)
    rng = random.Random(seed + 1)
    samples = []
    for _ in range(REPEAT):
        started = time.perf_counter()
        run(rng)
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def _p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20, method="inclusive")[-1]


def ensure_data(orders: int, reuse: bool) -> None:
    existing = WorkOrder.objects.filter(hub__code=HUB_CODE).count() if _migrated() else 0
    if reuse and existing >= orders:
        print(f"reusing {existing} orders")
        return
    started = time.monotonic()
    call_command("demo", orders=orders, bulk=True, no_serve=True)
    print(f"data ready in {time.monotonic() - started:.0f}s")


def _migrated() -> bool:
    return WorkOrder._meta.db_table in connection.introspection.table_names()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument("--reuse", action="store_true", help="use the orders already in the database if enough")
    parser.add_argument("--explain", action="store_true", help="print each raw query's plan")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        print(
            "bench/orders_queries.py measures PostgreSQL only; DATABASE_URL points to "
            f"{connection.vendor}. Set DATABASE_URL=postgres://user:password@host:5432/dbname "
            "(a database of its own: it gets a million demo orders).",
            file=sys.stderr,
        )
        return 2
    ensure_data(args.orders, args.reuse)
    started = time.monotonic()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"ANALYZE {time.monotonic() - started:.1f}s")
    total = WorkOrder.objects.count()
    open_orders = WorkOrder.objects.filter(state__in=sorted(WITH_UNIT)).count()
    now = timezone.now()
    overdue = WorkOrder.objects.filter(state__in=sorted(WATCHED), handle_due_at__lt=now).count()
    pending = WorkOrder.objects.filter(state=State.PENDING_DISPATCH).count()
    print(f"{total} orders; {open_orders} with a unit, {overdue} overdue, {pending} pending dispatch")
    print(f"{REPEAT} runs each after {WARMUP} warm-up runs; times in ms\n")
    header = f"{'query':<52} {'ORM med':>8} {'ORM p95':>8} {'SQL med':>8} {'SQL p95':>8} {'ratio':>6}  goal"
    print(header)
    print("-" * len(header))
    failed = False
    for index, case in enumerate(cases(now)):
        seed = 1000 + index
        orm = _time(case.orm, seed)
        raw = _time(case.raw, seed)
        ratio = statistics.median(orm) / statistics.median(raw)
        ok = ratio <= GOAL_RATIO and _p95(orm) <= GOAL_P95_MS
        failed |= not ok
        print(
            f"{case.name:<52} {statistics.median(orm):8.2f} {_p95(orm):8.2f} "
            f"{statistics.median(raw):8.2f} {_p95(raw):8.2f} {ratio:6.2f}  {'ok' if ok else 'MISS'}"
        )
        if args.explain:
            sql, params = case.explain(random.Random(seed))
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
                print("    " + "\n    ".join(row[0] for row in cursor.fetchall()))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
