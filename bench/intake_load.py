"""Intake under load: `civicdesk serve` on PostgreSQL taking new orders through the REST API
while the demo city's staff page their queues, driven by locust (issue #20).

    .venv/bin/pip install -e '.[bench]'     # locust==2.47.0, pinned in pyproject.toml's [bench] extra
    .venv/bin/python bench/intake_load.py            # first run: prepares the database (see 1.)
    .venv/bin/python bench/intake_load.py --reuse    # later runs: about 90 s
        [--duration 30] [--warmup 15] [--rate 300] [--api-users 60] [--workers N] [--worker]

Goal: >= 300 new orders/s through `POST /api/v1/orders`, p99 <= 100 ms, while 20 signed-in staff
page their queues; afterwards every order answered 201 is in the database exactly once.

What it does, in order:
1. The database (--db, PostgreSQL only): a fresh copy of --template (default
   civicdesk_speed20_100k, the 100k-order bulk demo: realistic queues), or, when that template does
   not exist, a new demo city of --demo-orders orders (`civicdesk demo --bulk`), then migrated (the
   copy takes about 25 s; migrating a template that is behind can take minutes: the search index
   of orders/0014 took 4.7 min at 100k on a busy machine). --reuse keeps the database of an
   earlier run as it is (only its migrations are brought up to date) and skips the copy. Only a
   database whose name contains "load" is ever dropped.
2. API tokens (civicdesk.api.tokens) for the demo's operators (--clients tokens shared by the
   API users), and a signed-in session for each of --staff staff members: dispatcher1-2,
   callback1-2, supervisor1 and the handlers of the units with the most open orders. Sessions are
   made the way the sign-in view makes them, without its password hash (slow by design, and not
   what this measures).
3. One POST in this process through Django's test client, its SQL queries counted (and printed
   with --show-queries): the cost of one order before any load.
4. `civicdesk serve --workers N` on a free loopback port (gunicorn, sync workers), waited for until
   every worker has warmed up, then locust headless for --warmup + --duration seconds (the
   figures count only the requests started after the warm-up: a worker's first requests load
   what its warm-up does not): --api-users ApiClient users POSTing at --rate orders/s in all
   (each POST its own Idempotency-Key, also written into the order's title), and the staff, each
   opening their queue (dispatch board, unit inbox, callback queue, supervision, home) or one of
   their open orders, a pause of --staff-wait seconds between two pages. With --worker,
   `civicdesk worker` runs beside the server meanwhile and takes what the requests queued
   (grouping each new order into its hotspot, its SMS); without it the queued work waits, and
   the figures are the requests' alone.
5. Every POST that failed (an error status, a timeout, a broken connection) or was still in
   flight when the run stopped is sent again with its key and body, once the load is over: the
   API must answer with the order it made (Idempotent-Replayed) or make it now. A failed POST
   that left half an order behind would show up here and in the counts below.
6. The server stops; the figures: requests/s, p50/p95/p99/max (nearest rank) and errors per
   request type, as locust timed them, the CPU the server, PostgreSQL's backends of this database and locust used, the
   load average, the tasks the run queued and how many still wait for the worker, and the orders
   counted in the database: expected (locust's 201s) vs found,
   orders doubled (one key in two titles), lost (a 201 whose order is not there), orders without
   their creation event, idempotency records without their order.

The machine's load moves the absolute figures (other work shares the cores); the CPU columns and
the query count move much less. Staff fetch the pages' HTML only (a browser has the static files
cached).
"""

from __future__ import annotations

import argparse
import atexit
import json
import math
import os
import re
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from interpreter import interpreter

ROOT = Path(__file__).resolve().parent.parent
LOCUSTFILE = Path(__file__).resolve().parent / "intake_locustfile.py"
DEFAULT_DB = "postgres://civicdesk:civicdesk@127.0.0.1:5432/civicdesk_intake_load"
DEFAULT_TEMPLATE = "civicdesk_speed20_100k"
TOKEN_NAME = "intake-load"
POST_NAME = "api: POST /api/v1/orders"  # as the locustfile names it
TICKS = os.sysconf("SC_CLK_TCK")


def _load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


# ----------------------------------------------------------------------------- the database


def _maintenance(url: str) -> Any:
    import psycopg

    parts = urlsplit(url)
    return psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True)


def _prepare_database(url: str, template: str, reuse: bool) -> tuple[str, bool]:
    """Create (or keep, with --reuse) the database; returns what was done and whether it still
    needs the demo city built."""
    name = urlsplit(url).path.lstrip("/")
    with _maintenance(url) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is not None
        if reuse and exists:
            return f"reused database {name}", False
        if "load" not in name:
            raise SystemExit(f"refusing to (re)create database {name!r}: its name must contain 'load'")
        if name == template:
            raise SystemExit("the database and its template must differ")
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        has_template = (
            bool(template)
            and conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [template]).fetchone() is not None
        )
        if not has_template:
            conn.execute(f'CREATE DATABASE "{name}"')
            return f"new database {name} (no template {template!r}): demo city built", True
        started = time.monotonic()
        while True:
            try:
                conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}" STRATEGY FILE_COPY')
                break
            except Exception as exc:  # the template is in use by another session: wait for it
                if "being accessed by other users" not in str(exc) or time.monotonic() - started > 120:
                    raise
                time.sleep(2)
        return f"copied {template} to {name} in {time.monotonic() - started:.0f} s", False


def _django(url: str, data_dir: Path) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["CIVICDESK_DATA_DIR"] = str(data_dir)
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civicdesk.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def _samples(count: int) -> list[dict[str, Any]]:
    """Order bodies as a connected system would send them, worded like the demo city's."""
    import random

    from civicdesk.demo.texts import ASKS, COMPOUNDS, DETAILS, DURATIONS, STREETS, SURNAMES, TITLES

    rng = random.Random(20)
    details = list(DETAILS.items())
    bodies = []
    for _ in range(count):
        leaf, (wrong, hurts) = rng.choice(details)
        street, compound = rng.choice(STREETS), rng.choice(COMPOUNDS)
        bodies.append(
            {
                "request_type": rng.choice(["complaint", "help", "enquiry", "report"]),
                "title": f"{street}{compound}{leaf}",
                "content": f"来电人反映{street}{compound}{wrong}，{rng.choice(DURATIONS)}，{hurts}，"
                f"希望相关部门{rng.choice(ASKS)}。",
                "address": f"青岚市{street}{rng.randint(1, 300)}号{compound}",
                "citizen_name": f"{rng.choice(SURNAMES)}{rng.choice(TITLES)}",
                "citizen_phone": f"139{rng.randint(0, 99_999_999):08d}",
            }
        )
    return bodies


def _tokens(clients: int) -> list[str]:
    from civicdesk.api.models import ApiToken
    from civicdesk.api.tokens import create_token
    from civicdesk.demo.city import ROLE_ACCOUNTS
    from civicdesk.org.models import Role, User

    # An earlier run's tokens are of no use (only their hashes are kept): replace them.
    ApiToken.objects.filter(name__startswith=TOKEN_NAME).delete()
    operators = list(
        User.objects.filter(username__in=[u for u, _n, role in ROLE_ACCOUNTS if role == Role.OPERATOR]).order_by(
            "username"
        )
    )
    if not operators:
        raise SystemExit("the database has no operators of the demo city")
    return [create_token(operators[i % len(operators)], f"{TOKEN_NAME} {i + 1}")[1] for i in range(clients)]


def _staff(count: int) -> list[dict[str, Any]]:
    """Signed-in sessions of the staff who page their queues, with pages and open orders of each."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.db.models import Count

    from civicdesk.orders.models import WorkOrder
    from civicdesk.orders.permissions import visible_orders
    from civicdesk.orders.workflow import OPEN, WITH_UNIT
    from civicdesk.org.models import Membership, Role, User

    hub_pages = {
        "dispatcher": [("/orders/dispatch/", "staff: dispatch board"), ("/", "staff: home")],
        "callback": [("/orders/callbacks/", "staff: callback queue")],
        "supervisor": [("/orders/supervision/", "staff: supervision"), ("/", "staff: home")],
    }
    chosen: list[tuple[User, list[tuple[str, str]]]] = []
    for username in ["dispatcher1", "dispatcher2", "callback1", "callback2", "supervisor1"]:
        user = User.objects.filter(username=username, is_active=True).first()
        if user is not None:
            chosen.append((user, hub_pages[re.sub(r"\d+$", "", username)]))
    busiest = (
        WorkOrder.objects.filter(state__in=WITH_UNIT, lead_unit__isnull=False)
        .values("lead_unit")
        .annotate(n=Count("pk"))
        .order_by("-n")
    )
    handler_pages = [("/orders/inbox/", "staff: unit inbox"), ("/", "staff: home")]
    for row in busiest[: max(0, count - len(chosen)) * 2]:
        if len(chosen) >= count:
            break
        member = (
            Membership.objects.filter(unit_id=row["lead_unit"], role=Role.HANDLER, user__is_active=True)
            .select_related("user")
            .first()
        )
        if member is not None and all(u.pk != member.user.pk for u, _p in chosen):
            chosen.append((member.user, handler_pages))
    engine = import_module(settings.SESSION_ENGINE)
    staff = []
    for user, pages in chosen[:count]:
        session = engine.SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.save()
        orders = list(visible_orders(user).filter(state__in=OPEN).order_by("-pk").values_list("number", flat=True)[:5])
        staff.append(
            {
                "username": user.username,
                "cookie_name": settings.SESSION_COOKIE_NAME,
                "session": session.session_key,
                "pages": pages,
                "orders": orders,
            }
        )
    return staff


def _queries_per_post(token: str, body: dict[str, Any], show: bool) -> tuple[int, int, float]:
    """One POST through Django's test client: (queries, of which inside its transaction, ms)."""
    from django.db import connection
    from django.test import Client

    seen: list[tuple[bool, str]] = []

    def note(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        seen.append((connection.in_atomic_block, sql))
        return execute(sql, params, many, context)

    client = Client()
    for attempt in ("warm-up", "queries"):
        seen.clear()
        headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": f"{attempt}-{secrets.token_hex(6)}"}
        with connection.execute_wrapper(note):
            started = time.perf_counter()
            answer = client.post(
                "/api/v1/orders",
                {**body, "title": f"{body['title']}〔{attempt}〕"},
                content_type="application/json",
                headers=headers,
            )
            took = (time.perf_counter() - started) * 1000
        if answer.status_code != 201:
            raise SystemExit(f"a POST in this process failed: {answer.status_code} {answer.content[:300]!r}")
    if show:
        for inside, sql in seen:
            print(f"  {'T' if inside else ' '} {sql[:200]}")
    return len(seen), sum(inside for inside, _sql in seen), took


# ----------------------------------------------------------------------------- processes


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def _cpu(pids: list[int]) -> float:
    """CPU seconds (user + system) these processes have used so far."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / TICKS


def _backends(database: str) -> list[int]:
    """PostgreSQL's server processes serving this database (their title names it)."""
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            text = cmdline.read_bytes().decode(errors="replace")
        except OSError:
            continue
        if text.startswith("postgres:") and f" {database} " in text:
            found.append(int(cmdline.parent.name))
    return found


def _stop_if_running(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


def _serve(args: argparse.Namespace, env: dict[str, str], log: Path) -> tuple[subprocess.Popen[bytes], str, float]:
    port = _free_port()
    command = [sys.executable, "-m", "civicdesk", "serve", "--bind", f"127.0.0.1:{port}", "--no-migrate"]
    command += ["--workers", str(args.workers)]
    started = time.monotonic()
    with open(log, "wb") as out:
        process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
    atexit.register(_stop_if_running, process)  # a run that fails leaves no server behind
    base = f"http://127.0.0.1:{port}"
    while time.monotonic() - started < 180:
        if process.poll() is not None:
            raise SystemExit(f"the server stopped at start-up; see {log}")
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=5):
                break
        except OSError:
            time.sleep(0.3)
    else:
        process.kill()
        raise SystemExit("the server did not answer /healthz within 180 s")
    # /healthz answers as soon as one worker is up; wait until every worker has warmed up.
    while time.monotonic() - started < 180 and log.read_text(errors="replace").count("warm-up:") < args.workers:
        time.sleep(0.3)
    return process, base, time.monotonic() - started


def _retry(base: str, outcomes: dict[str, Any]) -> Counter[str]:
    """Send every failed or unanswered POST again with its own key, body and token."""
    tally: Counter[str] = Counter()
    for key, sent in [*outcomes["failed"].items(), *outcomes["pending"].items()]:
        request = urllib.request.Request(
            base + "/api/v1/orders",
            data=json.dumps(sent["body"]).encode(),
            headers={
                "Authorization": f"Bearer {sent['token']}",
                "Idempotency-Key": key,
                "Content-Type": "application/json",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as answer:
                replayed = answer.headers.get("Idempotent-Replayed") == "true"
                outcomes["created"][key] = json.loads(answer.read())["number"]
                tally["replayed (the first POST had made it)" if replayed else "made now (the first left nothing)"] += 1
        except urllib.error.HTTPError as error:
            tally[f"HTTP {error.code} again"] += 1
        except OSError as error:
            tally[f"{type(error).__name__} again"] += 1
    return tally


# ----------------------------------------------------------------------------- figures


def _percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def _print_stats(timings: dict[str, list[list[Any]]], warmup: float, duration: float) -> dict[str, dict[str, float]]:
    """Per request type, of the requests started after the first `warmup` seconds: count, errors,
    requests/s (over `duration`), p50, p95, p99 and max in ms; printed, and returned by name."""
    print(f"{'request':<32} {'count':>7} {'errors':>6} {'req/s':>7} {'p50':>6} {'p95':>6} {'p99':>6} {'max':>6}  ms")
    figures = {}
    since = min((row[0] for rows in timings.values() for row in rows), default=0.0) + warmup
    measured = {name: [row for row in rows if row[0] >= since] for name, rows in timings.items()}
    everything = [row for rows in measured.values() for row in rows]
    for name, rows in [*sorted(measured.items()), ("all", everything)]:
        if not rows:
            continue
        ms = [row[1] for row in rows]
        figures[name] = {
            "count": len(rows),
            "errors": sum(1 for row in rows if row[2]),
            "rps": len(rows) / duration,
            "p50": _percentile(ms, 0.50),
            "p95": _percentile(ms, 0.95),
            "p99": _percentile(ms, 0.99),
            "max": max(ms),
        }
        f = figures[name]
        print(
            f"{name[:32]:<32} {f['count']:>7} {f['errors']:>6} {f['rps']:7.1f} "
            f"{f['p50']:6.0f} {f['p95']:6.0f} {f['p99']:6.0f} {f['max']:6.0f}"
        )
    return figures


def _count(run: str, run_start: Any, created: dict[str, str], failed: dict[str, Any]) -> dict[str, Any]:
    """The run's orders as the database holds them, key by key (the key closes each title)."""
    from django.db.models import Q

    from civicdesk.api.models import IdempotencyRecord
    from civicdesk.orders.models import OrderEvent, WorkOrder

    mark = re.compile("〔(" + re.escape(run) + r"-\d+)〕$")
    ours = WorkOrder.objects.filter(created_at__gte=run_start, title__contains=f"〔{run}-")
    rows = list(ours.values_list("number", "title"))
    by_key: dict[str, list[str]] = {}
    for number, title in rows:
        found = mark.search(title)
        if found:
            by_key.setdefault(found.group(1), []).append(number)
    created_events = OrderEvent.objects.filter(action="create", order__in=ours).values("order_id")
    records = IdempotencyRecord.objects.filter(key__startswith=f"{run}-")
    return {
        "found": len(rows),
        "doubled": sorted(k for k, numbers in by_key.items() if len(numbers) > 1),
        "lost": sorted(k for k, number in created.items() if number not in by_key.get(k, [])),
        "made though failed": sorted(k for k in failed if k in by_key),
        "without creation event": ours.exclude(pk__in=created_events).count(),
        "records": records.count(),
        "records without order": records.filter(Q(order__isnull=True) | ~Q(status_code=201)).count(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--db", default=os.environ.get("CIVICDESK_LOAD_DB", DEFAULT_DB), help="PostgreSQL URL")
    parser.add_argument("--template", default=DEFAULT_TEMPLATE, help="database to copy ('' to build a demo)")
    parser.add_argument("--demo-orders", type=int, default=2000, help="orders of the demo built without template")
    parser.add_argument("--reuse", action="store_true", help="use the database of an earlier run as it is")
    parser.add_argument("--duration", type=int, default=30, help="seconds of load measured")
    parser.add_argument(
        "--warmup", type=int, default=15, help="seconds of load before, not measured (each worker's first requests)"
    )
    parser.add_argument("--rate", type=float, default=300, help="new orders per second offered, in all")
    parser.add_argument("--api-users", type=int, default=60, help="locust users POSTing orders")
    parser.add_argument("--clients", type=int, default=6, help="API tokens (shared by the API users)")
    parser.add_argument("--staff", type=int, default=20, help="staff paging their queues")
    parser.add_argument("--staff-wait", default="2,6", help="seconds between two pages of one staff member: MIN,MAX")
    parser.add_argument(
        "--workers", type=int, default=None, help="the server's workers (default: what `civicdesk serve` picks)"
    )
    parser.add_argument("--show-queries", action="store_true", help="print the SQL of one POST")
    parser.add_argument("--worker", action="store_true", help="run `civicdesk worker` beside the server")
    args = parser.parse_args()
    if not args.db.startswith(("postgres://", "postgresql://")):
        raise SystemExit("bench/intake_load.py measures PostgreSQL only (--db postgres://...)")
    # What `civicdesk serve` picks (runtime.management.commands.serve.default_workers).
    args.workers = args.workers or int(os.environ.get("WEB_CONCURRENCY", "0")) or 2 * (os.cpu_count() or 1) + 1
    staff_wait = [float(x) for x in args.staff_wait.split(",")]
    run = f"load{time.strftime('%H%M%S')}{secrets.token_hex(2)}"
    data_dir = Path(os.environ.get("CIVICDESK_DATA_DIR", ROOT / "var" / "bench-intake")).resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    began = time.monotonic()
    print(f"intake under load, run {run}; load average {_load()} (1, 5, 15 min) on {os.cpu_count()} cores")

    done, needs_demo = _prepare_database(args.db, args.template, args.reuse)
    env = {**os.environ, "DATABASE_URL": args.db, "CIVICDESK_DATA_DIR": str(data_dir), "DEBUG": "0"}
    if needs_demo:
        demo = [sys.executable, "-m", "civicdesk", "demo", "--orders", str(args.demo_orders), "--bulk", "--no-serve"]
        subprocess.run(demo, env=env, check=True, stdout=subprocess.DEVNULL)
    _django(args.db, data_dir)
    # Imported once Django is set up (_django): the settings come from --db.
    from django.core.management import call_command
    from django.db import connections
    from django.utils import timezone

    from civicdesk.orders.models import WorkOrder

    call_command("migrate", interactive=False, verbosity=0)
    tokens = _tokens(args.clients)
    staff = _staff(args.staff)
    samples = _samples(200)
    print(f"database: {done}; {WorkOrder.objects.count()} orders; setup {time.monotonic() - began:.0f} s")
    queries, inside, took = _queries_per_post(tokens[0], samples[0], args.show_queries)
    print(f"one POST in this process: {queries} queries ({inside} inside its transaction), {took:.1f} ms")
    connections.close_all()  # no idle connection of this process during the run

    log = data_dir / f"serve-{run}.log"
    server, base, startup = _serve(args, env, log)
    print(f"server: civicdesk serve --workers {args.workers}, up and warm in {startup:.0f} s; log {log}")
    print(f"interpreter (server, worker and this process): {interpreter()}")
    workdir = Path(tempfile.mkdtemp(prefix=f"intake-{run}-"))
    config = {
        "run": run,
        "tokens": tokens,
        "staff": staff,
        "samples": samples,
        "api_users": args.api_users,
        "staff_users": len(staff),
        "rate": args.rate,
        "staff_wait": staff_wait,
        "results": str(workdir / "results.json"),
    }
    (workdir / "config.json").write_text(json.dumps(config, ensure_ascii=False), encoding="utf-8")
    users = args.api_users + len(staff)
    locust = [sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--headless", "--only-summary"]
    locust += ["-u", str(users), "-r", str(users), "-t", f"{args.warmup + args.duration}s", "--stop-timeout", "30"]
    locust += ["--host", base, "--loglevel", "WARNING", "--exit-code-on-error", "0"]
    database = urlsplit(args.db).path.lstrip("/")
    run_start = timezone.now()
    worker = None
    if args.worker:
        # The background worker runs what the requests queue (civicdesk.orders.tasks: grouping
        # into hotspots; the SMS deliveries), on the same cores as the server, as in production.
        with open(data_dir / f"worker-{run}.log", "wb") as out:
            worker = subprocess.Popen(
                [sys.executable, "-m", "civicdesk", "worker"], env=env, stdout=out, stderr=subprocess.STDOUT
            )
        atexit.register(_stop_if_running, worker)
    server_pids = [server.pid, *_children(server.pid)]
    cpu_server, cpu_db, load_start = _cpu(server_pids), _cpu(_backends(database)), _load()
    cpu_worker = _cpu([worker.pid]) if worker else 0.0
    started = time.monotonic()
    env_locust = {**os.environ, "CIVICDESK_LOAD_CONFIG": str(workdir / "config.json")}
    with open(workdir / "locust.log", "wb") as locust_log:
        locust_process = subprocess.Popen(locust, env=env_locust, stdout=locust_log, stderr=subprocess.STDOUT)
    locust_cpu = 0.0
    while locust_process.poll() is None:
        locust_cpu = max(locust_cpu, _cpu([locust_process.pid]))
        time.sleep(0.5)
    wall = time.monotonic() - started
    # Backends opened during the run count from zero; those of before were idle at the start.
    cpu_server, cpu_db, load_end = _cpu(server_pids) - cpu_server, _cpu(_backends(database)) - cpu_db, _load()
    if worker is not None:
        cpu_worker = _cpu([worker.pid]) - cpu_worker
        worker.terminate()
        try:
            worker.wait(timeout=60)
        except subprocess.TimeoutExpired:
            # It finishes the task in hand first; a backlog of thousands kept it past a minute
            # once. The figures are taken already: it is stopped, not waited for.
            worker.kill()
            worker.wait()
            print("the worker did not stop within 60 s of SIGTERM: killed")
    outcomes = json.loads(Path(config["results"]).read_text(encoding="utf-8"))
    answered = len(outcomes["created"])
    retried = _retry(base, outcomes)
    server.terminate()
    server.wait(timeout=60)

    print(
        f"\nlocust {args.warmup} s warm-up + {args.duration} s measured ({wall:.0f} s in all): "
        f"{args.api_users} API users offering {args.rate:.0f} orders/s in all, "
        f"{len(staff)} staff pausing {staff_wait[0]:g}-{staff_wait[1]:g} s between pages"
    )
    figures = _print_stats(outcomes["timings"], args.warmup, args.duration)
    errors = Counter((name, row[2]) for name, rows in outcomes["timings"].items() for row in rows if row[2])
    for (name, error), n in errors.most_common(10):
        print(f"  error: {name}: {error} x{n}")
    post = figures.get(POST_NAME)
    if post is not None:
        met = post["rps"] >= 300 and post["p99"] <= 100 and not post["errors"]
        print(
            f"new orders: {post['rps']:.1f}/s, p50 {post['p50']:.0f} ms, p99 {post['p99']:.0f} ms, "
            f"{post['errors']:.0f} errors (goal >= 300/s with p99 <= 100 ms: {'met' if met else 'NOT met'})"
        )
    print(
        f"CPU during the run: server {cpu_server:.1f} s, PostgreSQL backends {cpu_db:.1f} s, "
        f"locust {locust_cpu:.1f} s, in {wall:.0f} s on {os.cpu_count()} cores; load average {load_start} -> {load_end}"
    )
    from django_tasks_db.models import DBTaskResult

    queued = DBTaskResult.objects.filter(enqueued_at__gte=run_start)
    print(
        f"tasks the run queued: {queued.count()}, still waiting for the worker: {queued.filter(status='READY').count()}"
        + (f" (worker running, {cpu_worker:.1f} s of CPU)" if worker is not None else " (no worker ran: --worker)")
    )
    if retried:
        print(
            "failed or unanswered POSTs sent again with their key: " + ", ".join(f"{n} {k}" for k, n in retried.items())
        )
    counted = _count(run, run_start, outcomes["created"], outcomes["failed"])
    print(f"orders: expected {answered} (locust's 201s), found {counted['found']} in the database")
    print(
        f"  doubled {len(counted['doubled'])}, lost {len(counted['lost'])}, "
        f"made though the POST failed {len(counted['made though failed'])}, "
        f"without their creation event {counted['without creation event']}; "
        f"idempotency records {counted['records']}, without their order {counted['records without order']}"
    )
    for what in ("doubled", "lost"):
        if counted[what]:
            print(f"  {what}: {', '.join(counted[what][:10])}")
    print(f"total {time.monotonic() - began:.0f} s; locust's log and results in {workdir}")


if __name__ == "__main__":
    main()
