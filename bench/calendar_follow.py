"""Saving next year's holiday schedule on a city full of open orders: how long the admin's
"save" takes, with every running deadline that reaches a changed day recomputed and an event
written per order.

    CIVICDESK_DATA_DIR=var/bench-calendar .venv/bin/python bench/calendar_follow.py [--orders 20000]

Builds the demo city in a scratch database (`civicdesk demo --bulk`, a year of history up to
now) unless it already holds enough orders, then saves a schedule for the year after the
last one covered (元旦 and a Spring Festival week, the form of the State Council notice)
and rolls it back, so the script can run again. Prints the open orders with a deadline in
that year, how many moved, the time, and the time per moved order.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civicdesk.settings")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from civicdesk.orders.deadlines import count_running_from  # noqa: E402
from civicdesk.orders.models import WorkOrder  # noqa: E402
from civicdesk.org.models import Role, User  # noqa: E402
from civicdesk.worktime.notice import parse_notice  # noqa: E402
from civicdesk.worktime.schedule import change_days, first_gap  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--orders", type=int, default=20000)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    if not WorkOrder.objects.count() >= args.orders:
        call_command("demo", orders=args.orders, no_serve=True, bulk=True, verbosity=0)
    gap = first_gap(timezone.localdate())
    notice = (
        f"国务院办公厅关于{gap.year}年部分节假日安排的通知\n"
        "一、元旦：1月1日放假，与周末连休。\n二、春节：2月6日至13日放假调休，共8天。\n"
    )
    schedule = parse_notice(notice, gap.year)
    assert not schedule.problems, schedule.problems
    admin = User.objects.filter(memberships__role=Role.ADMIN).first()
    due = count_running_from(gap.starts)
    with transaction.atomic():
        started = time.perf_counter()
        change = change_days(
            {d.day: (d.is_workday, d.note) for d in schedule.days},
            actor=admin,
            reason="bench",
            year=(gap.year, "notice", notice),
        )
        elapsed = time.perf_counter() - started
        transaction.set_rollback(True)
    per_order = elapsed * 1000 / change.orders_moved if change.orders_moved else 0.0
    print(f"orders {WorkOrder.objects.count()}, open with a deadline in {gap.year}: {due}")
    print(
        f"save {gap.year}: {elapsed * 1000:.0f} ms — {len(change.days)} days changed, "
        f"{change.orders_moved} orders moved, {per_order:.1f} ms per moved order"
    )


if __name__ == "__main__":
    main()
