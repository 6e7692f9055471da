"""Several deadline watches at once on PostgreSQL (threads, and worker processes): each
notice still happens exactly once (row locks with SKIP LOCKED, the notice_once constraint)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import quote
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection

from civicdesk.catalogue.models import RequestType
from civicdesk.notifications.models import OutboxMessage
from civicdesk.orders import actions
from civicdesk.orders.models import DeadlineStage, OrderEvent, SupervisionNotice, WorkOrder
from tests.orders.racing import race, slow_moves
from tests.world import World

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL row locks (SKIP LOCKED); set DATABASE_URL=postgres://… to run",
    ),
]
SH = ZoneInfo("Asia/Shanghai")
ROOT = Path(__file__).resolve().parents[2]


def _orders(w: World, count: int, moment: datetime, *, signed: bool) -> list[WorkOrder]:
    orders = []
    with time_machine.travel(moment, tick=False):
        for n in range(count):
            order = actions.dispatch(
                w.new_order(request_type=RequestType.ENQUIRY, title=f"并行巡检 {n}"),
                actor=w.dispatcher,
                lead_unit=w.village,
            )
            if signed:
                order = actions.sign_for(order, actor=w.village_handler)
            orders.append(order)
    return orders


def _assert_each_notice_once(orders: list[WorkOrder], expected: list[tuple[str, int]]) -> None:
    for order in orders:
        got = sorted(SupervisionNotice.objects.filter(order=order).values_list("stage", "level"))
        assert got == sorted(expected), order.number
        events = list(OrderEvent.objects.filter(order=order).order_by("seq"))
        assert [e.seq for e in events] == list(range(1, len(events) + 1))
        order.refresh_from_db()
        assert order.version == order.event_count == len(events)
        notices = [e for e in events if e.action == "deadline_notice"]
        assert len(notices) == len(expected)
        # One inbox message per recipient per notice, never doubled.
        per_event = Counter(OutboxMessage.objects.filter(event__in=notices).values_list("event_id", "user_id"))
        assert set(per_event.values()) == {1}


def test_it_issues_each_notice_once_with_four_watches_running_at_once(
    w: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monday = datetime(2025, 11, 3, 10, 0, tzinfo=SH)
    orders = _orders(w, 8, monday, signed=True)
    slow_moves(monkeypatch, 0.05)
    rounds = [
        datetime(2025, 11, 4, 16, 0, tzinfo=SH),  # near due
        datetime(2025, 11, 5, 10, 1, tzinfo=SH),  # overdue
        datetime(2025, 11, 6, 10, 0, tzinfo=SH),  # a working day late
        datetime(2025, 11, 10, 10, 0, tzinfo=SH),  # three working days late
    ]
    for level, moment in enumerate(rounds, start=1):
        outcomes = race(*[lambda m=moment: actions.run_deadline_watch(m) for _ in range(4)])
        assert all(kind == "ok" for kind, _ in outcomes), outcomes
        assert sum(count for _, count in outcomes) == len(orders), (level, outcomes)
        assert SupervisionNotice.objects.filter(level=level).count() == len(orders)
    _assert_each_notice_once(orders, [(DeadlineStage.HANDLE, n) for n in (1, 2, 3, 4)])


def test_it_issues_each_notice_once_while_users_act_on_the_same_orders(
    w: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    orders = _orders(w, 6, datetime(2025, 11, 3, 10, 0, tzinfo=SH), signed=False)
    late = datetime(2025, 11, 3, 15, 0, tzinfo=SH)
    slow_moves(monkeypatch, 0.05)

    def sign_half() -> int:
        with time_machine.travel(late, tick=False):
            for order in orders[::2]:
                actions.sign_for(order.pk, actor=w.village_handler)
        return 0

    outcomes = race(sign_half, *[lambda: actions.run_deadline_watch(late) for _ in range(3)])
    assert all(kind == "ok" for kind, _ in outcomes), outcomes
    # Orders signed before a watch reached them got no notice; a second pass catches up
    # on any that a watch skipped while a user held them.
    actions.run_deadline_watch(late)
    for order in orders:
        assert SupervisionNotice.objects.filter(order=order, stage=DeadlineStage.SIGN).count() <= 1
    for order in orders[1::2]:
        assert SupervisionNotice.objects.filter(order=order, stage=DeadlineStage.SIGN).count() == 1
    for order in orders:
        events = list(OrderEvent.objects.filter(order=order).order_by("seq"))
        assert [e.seq for e in events] == list(range(1, len(events) + 1))


def _test_database_url() -> str:
    s = connection.settings_dict
    user, password = quote(s["USER"] or "", safe=""), quote(s["PASSWORD"] or "", safe="")
    return f"postgres://{user}:{password}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def test_it_issues_each_notice_once_with_two_worker_processes(w: World) -> None:
    # The workers run at the real now; the orders were dispatched two months before it.
    real_now = datetime.now(SH)
    start = (real_now - timedelta(days=60)).replace(hour=10, minute=0, second=0, microsecond=0)
    orders = _orders(w, 30, start, signed=False)
    env = {**os.environ, "DATABASE_URL": _test_database_url(), "DJANGO_SETTINGS_MODULE": "civicdesk.settings"}
    cli = str(Path(sys.executable).with_name("civicdesk"))
    workers = [
        subprocess.Popen(
            [cli, "worker", "--once"], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for _ in range(2)
    ]
    results = [worker.communicate(timeout=120) for worker in workers]
    for worker, (_out, err) in zip(workers, results, strict=True):
        assert worker.returncode == 0, err
    words = [word for out, _err in results for word in out.split()]
    counts = [int(word.split("=")[1]) for word in words if word.startswith("deadline_watch=")]
    assert sum(counts) == 2 * len(orders), results
    _assert_each_notice_once(orders, [(DeadlineStage.SIGN, 2), (DeadlineStage.HANDLE, 4)])
