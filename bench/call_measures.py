"""How fast are the call measures (话务统计) for a month of 1,000,000 calls, and are the
rollups exact?

    DATABASE_URL=postgres://civicdesk:civicdesk@127.0.0.1:5432/civicdesk_bench_calls \\
        .venv/bin/python bench/call_measures.py [--calls 1000000] [--reuse] [--repeat 20]

Builds its own data in SQL (INSERT … SELECT generate_series: a month of calls at a city hub
and two lower hubs, 150 operators, three queues, a daytime peak, ~90 % answered with waits
from 0 to 2 minutes, abandons, transfers, calls crossing midnight, missed calls called back),
unless --reuse is given and the database already holds N calls; rebuilds the call rollups
and reports how long that took (wall, and the CPU time of this process and of the database's
process serving it); checks that the month's figures from the rollups equal the
figures counted from the calls; then times, p50/p95 in ms over repeated runs: what the
话务统计 page computes for the month (the totals and the tables by hour of day, day,
operator and queue), the month by hour for one hub (what the seat schedule reads), and
the first page of one drill-down list. Goal: the month's page ≤ 200 ms p95.

Prints the load average and the CPU time this process spent (the database's own CPU time is
not in it). PostgreSQL only (its own database; it is created when missing).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civicdesk.settings")
DEFAULT_URL = "postgres://civicdesk:civicdesk@127.0.0.1:5432/civicdesk_bench_calls"
os.environ.setdefault("DATABASE_URL", DEFAULT_URL)


def _ensure_database(url: str) -> None:
    import psycopg

    parts = urlparse(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


_ensure_database(os.environ["DATABASE_URL"])

import django  # noqa: E402

django.setup()

from django.contrib.auth.hashers import make_password  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from civicdesk.intake import callmeasures  # noqa: E402
from civicdesk.intake.callmeasures import CallFilters, Days  # noqa: E402
from civicdesk.intake.callstats import COLUMNS  # noqa: E402
from civicdesk.intake.models import Call, CallRollup  # noqa: E402
from civicdesk.org.models import Membership, OrgUnit, Role, UnitKind, User  # noqa: E402

MONTH = dt.date(2026, 11, 1)
DAYS = Days(MONTH, dt.date(2026, 11, 30))
AGENTS = 150
GOAL_MS = 200.0


def _world() -> tuple[OrgUnit, list[tuple[int, int]]]:
    """The bench's hubs and operators: (user id, hub id) per operator."""
    city = OrgUnit.objects.filter(code="bench-call-hub").first()
    if city is None:
        city = OrgUnit.objects.create(name="测试市12345", code="bench-call-hub", kind=UnitKind.CENTER, is_hub=True)
        lows = [
            OrgUnit.objects.create(
                name=f"测试县{i}12345", code=f"bench-call-low{i}", kind=UnitKind.CENTER, parent=city, is_hub=True
            )
            for i in (1, 2)
        ]
        password = make_password(None)
        for i in range(AGENTS):
            hub = city if i < 120 else lows[(i - 120) // 15]
            user = User.objects.create(username=f"bench-op{i}", password=password, display_name=f"话务员{i}")
            Membership.objects.create(user=user, unit=hub, role=Role.OPERATOR)
    agents = list(
        Membership.objects.filter(user__username__startswith="bench-op", role=Role.OPERATOR)
        .order_by("user_id")
        .values_list("user_id", "unit_id")
    )
    return city, agents


def _build(n: int, agents: list[tuple[int, int]]) -> float:
    """n calls in MONTH, in one INSERT … SELECT; returns the seconds it took."""
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM intake_callrollup")
        cursor.execute("DELETE FROM intake_callevent")
        cursor.execute("DELETE FROM intake_call")
        cursor.execute("DROP TABLE IF EXISTS bench_agents")
        cursor.execute("CREATE TEMP TABLE bench_agents (idx int PRIMARY KEY, user_id int, hub_id int)")
        cursor.executemany(
            "INSERT INTO bench_agents VALUES (%s, %s, %s)", [(i, u, h) for i, (u, h) in enumerate(agents)]
        )
        cursor.execute(
            """
            WITH r AS (
              SELECT g,
                     floor(random() * %(agents)s)::int AS a,
                     random() AS answered_r, random() AS wait_r, random() AS talk_r, random() AS night_r,
                     random() AS hour_r, random() AS misc_r, floor(random() * 30)::int AS day_n
              FROM generate_series(1, %(n)s) AS g
            ), t AS (
              SELECT r.*, b.user_id, b.hub_id,
                     %(month)s::timestamptz + make_interval(days => day_n)
                       + CASE WHEN night_r < 0.08 THEN make_interval(secs => hour_r * 86400)
                              ELSE make_interval(secs => 8 * 3600 + hour_r * 14 * 3600) END AS start,
                     answered_r < 0.9 AS answered,
                     CASE WHEN answered_r < 0.9 THEN floor(wait_r * wait_r * 120)::int
                          ELSE floor(wait_r * 90)::int END AS wait,
                     30 + floor(talk_r * 600)::int AS talk
              FROM r JOIN bench_agents b ON b.idx = r.a
            )
            INSERT INTO intake_call (call_id, phone, hub_id, state, agent_id, extension, started_at, answered_at,
                                     ended_at, order_id, called_back_at, called_back_by_id, queue, recording_id,
                                     transfer_count, transferred_to_id, wait_seconds, talk_seconds, changed_at)
            SELECT 'bench-' || g,
                   '137' || lpad((g %% 100000000)::text, 8, '0'),
                   hub_id,
                   CASE WHEN NOT answered THEN 'missed' WHEN misc_r < 0.02 THEN 'answered' ELSE 'completed' END,
                   CASE WHEN answered OR misc_r < 0.3 THEN user_id END,
                   '',
                   start,
                   CASE WHEN answered THEN start + make_interval(secs => wait) END,
                   CASE WHEN NOT answered THEN start + make_interval(secs => wait)
                        WHEN misc_r < 0.02 THEN NULL
                        ELSE start + make_interval(secs => wait + talk) END,
                   NULL,
                   CASE WHEN NOT answered AND misc_r < 0.7
                        THEN start + make_interval(secs => wait + 60 + floor(misc_r * 5000)::int) END,
                   NULL,
                   (ARRAY['普通话', '企业专席', '英语'])[1 + (g %% 3)],
                   CASE WHEN answered THEN 'rec-' || g ELSE '' END,
                   CASE WHEN answered AND misc_r > 0.95 THEN 1 ELSE 0 END,
                   NULL,
                   wait,
                   CASE WHEN answered AND misc_r >= 0.02 THEN talk END,
                   start
            FROM t
            """,
            {"n": n, "agents": len(agents), "month": MONTH.isoformat() + " 00:00+08"},
        )
        cursor.execute("ANALYZE intake_call")
    return time.perf_counter() - started


def _p95(runs: list[float]) -> float:
    return sorted(runs)[max(0, math.ceil(0.95 * len(runs)) - 1)]  # nearest rank


def _timed(fn: Callable[[], Any], repeat: int) -> tuple[float, float, float, float]:
    """p50 and p95 of the wall time, and of this process's CPU time, in ms."""
    runs, cpu = [], []
    for _ in range(repeat):
        started, cpu_started = time.perf_counter(), time.process_time()
        fn()
        runs.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - cpu_started) * 1000)
    return statistics.median(runs), _p95(runs), statistics.median(cpu), _p95(cpu)


def _page(hub: OrgUnit | None) -> None:
    """What the 话务统计 page computes for the month."""
    filters = CallFilters(hub=hub)
    callmeasures.figures(DAYS, filters)
    for group in ("hour", "day", "agent", "queue"):
        callmeasures.figures(DAYS, filters, group=group, codes=COLUMNS)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=1_000_000)
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument(
        "--keep-rollups", action="store_true", help="with --reuse: keep the rollups built by an earlier run"
    )
    parser.add_argument("--no-check", action="store_true", help="skip counting the month from the calls")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("PostgreSQL only: set DATABASE_URL to a postgres:// database")
    cpu_start = time.process_time()
    call_command("migrate", verbosity=0)
    city, agents = _world()
    have = Call.objects.count()
    if args.reuse and have == args.calls:
        print(f"reusing {have:,} calls")
    else:
        seconds = _build(args.calls, agents)
        print(f"built {args.calls:,} calls in {seconds:.1f} s (INSERT … SELECT generate_series)")
    if args.reuse and args.keep_rollups and CallRollup.objects.exists():
        print(f"keeping the {CallRollup.objects.count():,} rollup rows of an earlier run")
    else:
        started, cpu_started, db_started = time.perf_counter(), time.process_time(), _backend_cpu()
        rows = callmeasures.rebuild()
        wall, cpu, db_end = time.perf_counter() - started, time.process_time() - cpu_started, _backend_cpu()
        db = f"{db_end - db_started:.1f} s" if db_started is not None and db_end is not None else "unknown"
        load = os.getloadavg()
        print(
            f"rollups rebuilt in {wall:.1f} s: {rows:,} rows (CPU: this process {cpu:.1f} s, database backend {db}; "
            f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f})"
        )
    if not args.no_check:
        _check(city)
    _report(city, args.repeat, cpu_start)


def _backend_cpu() -> float | None:
    """CPU seconds (user + system) the database's process serving this connection has used,
    read from /proc when the server runs on this machine and may be read (parallel workers,
    if the planner starts any, are other processes and not in it); None otherwise."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime


def _check(city: OrgUnit) -> None:
    started = time.perf_counter()
    live = callmeasures.figures(DAYS, CallFilters(hub=city), live=True)[None]
    live_s = time.perf_counter() - started
    rolled = callmeasures.figures(DAYS, CallFilters(hub=city))[None]
    equal = all(
        (live[c].value, live[c].numerator, live[c].denominator)
        == (rolled[c].value, rolled[c].numerator, rolled[c].denominator)
        for c in live
    )
    print(f"month from the calls (live) in {live_s:.1f} s; rollups equal it: {equal}")
    for code in ("offered", "answered", "abandoned", "answer_rate", "answered_15s", "avg_wait", "p90_wait", "avg_talk"):
        print(f"  {code:14} {rolled[code].display()}")
    if not equal:
        sys.exit("rollups differ from the calls")


def _server_time(city: OrgUnit) -> None:
    """The database's own execution time for one month's page (EXPLAIN ANALYZE of each of its
    queries), apart from the waiting a loaded machine adds to every round trip."""
    captured: list[tuple[str, Any]] = []

    def capture(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        captured.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(capture):
        _page(city)
    total = 0.0
    with connection.cursor() as cursor:
        for sql, params in captured:
            cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql, params)
            plan = cursor.fetchone()[0]
            plan = json.loads(plan) if isinstance(plan, str) else plan
            total += plan[0]["Execution Time"] + plan[0]["Planning Time"]
    print(f"话务统计 page, month, city hub: {len(captured)} queries, database time {total:.1f} ms (EXPLAIN ANALYZE)")


def _report(city: OrgUnit, repeat: int, cpu_start: float) -> None:
    _page(None)  # warm: the first query of a connection pays for its setup
    cpu_timed = time.process_time()
    results = {
        "话务统计 page, month, whole installation": _timed(lambda: _page(None), repeat),
        "话务统计 page, month, city hub subtree": _timed(lambda: _page(city), repeat),
        "hourly(), month, city hub (seat schedule)": _timed(
            lambda: callmeasures.hourly(city, DAYS.first, DAYS.last), repeat
        ),
        "drill-down, first page of abandoned": _timed(
            lambda: list(callmeasures.drill("abandoned", DAYS, CallFilters(hub=city))[:50]), repeat
        ),
    }
    cpu_used = time.process_time() - cpu_timed
    for name, (p50, p95, cpu50, cpu95) in results.items():
        mark = "ok" if p95 <= GOAL_MS else "OVER"
        print(
            f"{name:45} p50 {p50:7.1f} ms  p95 {p95:7.1f} ms  [{mark} ≤ {GOAL_MS:.0f} ms]"
            f"  (CPU of this process p50 {cpu50:5.1f} ms, p95 {cpu95:5.1f} ms)"
        )
    _server_time(city)
    load = os.getloadavg()
    print(f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} on {os.cpu_count()} CPUs")
    print(
        f"CPU time of this process: timed runs {cpu_used:.1f} s, whole script {time.process_time() - cpu_start:.1f} s"
    )


if __name__ == "__main__":
    main()
