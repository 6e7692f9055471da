"""The staff search by a caller's whole number: the search's own queries and the whole page.

    DATABASE_URL=postgres://…/civicdesk_pages_1m .venv/bin/python bench/phone_search.py \\
        [--user dispatcher1] [--phone 13898134544] [--runs 30] [--warmup 3]

Posts the number to /orders/search/ as the user (Django's test client, DEBUG off), as the
search box does, and prints per request: the page's wall time and this process's CPU time,
and the wall time of the search's own queries (those reading orders_workorder: the capped
count, the page's ids, the page's orders), median and nearest-rank p95, in ms. Issue #20's
goal: the search by the exact number <= 10 ms. Every request runs in a transaction rolled
back at the end, so the audit row each phone search writes is not kept: the database is
left as it was. Without --phone, the number of the newest non-confidential order with one.
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civicdesk.settings")
os.environ["DEBUG"] = "0"


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--user", default="dispatcher1")
    parser.add_argument("--phone")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=3)
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from civicdesk.orders.models import WorkOrder
    from civicdesk.org.models import User

    phone = args.phone or (
        WorkOrder.objects.filter(confidential=False)
        .exclude(citizen_phone="")
        .order_by("-pk")
        .values_list("citizen_phone", flat=True)
        .first()
    )
    client = Client()
    client.force_login(User.objects.get(username=args.user))
    table = WorkOrder._meta.db_table
    pages: list[float] = []
    cpus: list[float] = []
    searches: list[float] = []
    found = 0
    for run in range(args.warmup + args.runs):
        with transaction.atomic(), CaptureQueriesContext(connection) as captured:
            started, started_cpu = time.perf_counter(), time.process_time()
            response = client.post("/orders/search/", {"q": phone})
            wall, cpu = (time.perf_counter() - started) * 1000, (time.process_time() - started_cpu) * 1000
            transaction.set_rollback(True)
        assert response.status_code == 200, response.status_code
        found = response.content.decode().count('href="/orders/2')
        if run < args.warmup:
            continue
        pages.append(wall)
        cpus.append(cpu)
        searches.append(sum(float(q["time"]) * 1000 for q in captured.captured_queries if f'"{table}"' in q["sql"]))
    print(f"search by the whole number {phone} as {args.user}: {found} orders linked, {args.runs} runs")
    print(f"  the search's queries: median {statistics.median(searches):.1f} ms, p95 {_p95(searches):.1f} ms")
    print(f"  the page:             median {statistics.median(pages):.1f} ms, p95 {_p95(pages):.1f} ms")
    print(f"  the page's process CPU: median {statistics.median(cpus):.1f} ms")
    print(f"  load average: {' '.join(Path('/proc/loadavg').read_text().split()[:3])}")


if __name__ == "__main__":
    main()
