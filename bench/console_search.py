"""Search across orders on the demo data: how long the staff search page takes.

    CIVICDESK_DATA_DIR=var/bench-search .venv/bin/python bench/console_search.py [--orders 5000]

Builds the demo city (real actions) if the database holds fewer orders, then renders
/orders/search/ for typical queries (an order number, a phone, words of the content) as a
dispatcher and as a department handler, and prints median and p95 in ms. Goal: < 1 s.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civicdesk.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

from civicdesk.orders.models import WorkOrder  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--orders", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    if WorkOrder.objects.count() < args.orders:
        call_command("demo", orders=args.orders, no_serve=True)
    settings.ALLOWED_HOSTS.append("testserver")
    sample = WorkOrder.objects.exclude(citizen_phone="").order_by("-pk").first()
    assert sample is not None
    queries = {
        "number": sample.number,
        "phone": sample.citizen_phone,
        "phone tail": sample.citizen_phone[-7:],
        "one word": "停水",
        "two words": "小区 电梯",
        "no match": "不存在的关键词组合",
    }
    print(f"orders: {WorkOrder.objects.count()}  database: {settings.DATABASES['default']['ENGINE']}")
    for username in ("dispatcher1", "h-zj"):
        client = Client()
        client.force_login(django.contrib.auth.get_user_model().objects.get(username=username))
        for name, query in queries.items():
            timings = []
            for _ in range(args.repeat):
                started = time.perf_counter()
                response = client.get("/orders/search/", {"q": query})
                timings.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200
            timings.sort()
            p95 = timings[max(0, int(len(timings) * 0.95) - 1)]
            print(f"{username:<12} {name:<11} median {statistics.median(timings):7.1f} ms  p95 {p95:7.1f} ms")


if __name__ == "__main__":
    main()
