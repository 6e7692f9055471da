"""Where one page spends its CPU, as one user: cProfile around Django's test client.

    DATABASE_URL=postgres://…/civicdesk_pages_1m .venv/bin/python bench/profile_page.py \\
        --user dispatcher1 --path /orders/search/ [--post q=13800001234] [--runs 20] [--top 40]
        [--sort cumulative|tottime] [--callers FUNCTION]

Requests the page --warmup times, then --runs times under cProfile (DEBUG off, as
bench/pages.py does), and prints the process CPU time per request (time.process_time, which
the load of other processes moves much less than the wall time) and the functions that took
it. Reads only, apart from what the page itself writes (the audit row of a phone search).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civicdesk.settings")
os.environ["DEBUG"] = "0"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--user", help="username of the staff member (none: anonymous)")
    parser.add_argument("--path", required=True)
    parser.add_argument("--post", action="append", default=[], help="NAME=VALUE of a POST body")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--sort", default="cumulative")
    parser.add_argument("--callers", help="also print the callers of functions matching this")
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from civicdesk.org.models import User

    client = Client()
    if args.user:
        client.force_login(User.objects.get(username=args.user))
    body = dict(item.split("=", 1) for item in args.post)

    def request() -> int:
        if body:
            return client.post(args.path, body).status_code
        return client.get(args.path).status_code

    for _ in range(args.warmup):
        request()
    cpu = []
    for _ in range(args.runs):
        started = time.process_time()
        request()
        cpu.append((time.process_time() - started) * 1000)
    # The process's CPU time, not the wall clock: the wait for the database is not this
    # process's work, and the machine's load moves the wall clock.
    profile = cProfile.Profile(time.process_time)
    profile.enable()
    for _ in range(args.runs):
        status = request()
    profile.disable()
    with CaptureQueriesContext(connection) as captured:
        request()
    print(
        f"{args.path} as {args.user or 'anonymous'}: HTTP {status}, {len(captured.captured_queries)} queries, "
        f"process CPU per request median {statistics.median(cpu):.1f} ms (min {min(cpu):.1f}) over {args.runs} runs"
    )
    out = io.StringIO()
    stats = pstats.Stats(profile, stream=out).strip_dirs().sort_stats(args.sort)
    stats.print_stats(args.top)
    if args.callers:
        stats.print_callers(args.callers)
    print(out.getvalue())


if __name__ == "__main__":
    main()
