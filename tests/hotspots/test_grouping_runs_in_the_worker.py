"""A new order is grouped into its hotspot by the background worker, not while the caller's
system waits for its POST: the request only writes the task, with the order; once the worker
has run it the hub sees the same hotspot as before. A creation that rolls back leaves no task,
and a grouping that fails is tried again later, not lost."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta

import pytest
import time_machine
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from civicdesk.api.tokens import create_token
from civicdesk.hotspots import grouping
from civicdesk.hotspots.models import Hotspot, Member
from civicdesk.orders.models import WorkOrder
from tests.console_hub.helpers import client_for
from tests.hotspots.helpers import NOISE
from tests.worker import REACTIONS, run_queued
from tests.world import World

pytestmark = pytest.mark.django_db


def _post(w: World, client: Client, token: str, title: str, phone: str) -> WorkOrder:
    answer = client.post(
        "/api/v1/orders",
        json.dumps(
            {
                "channel": "provincial",
                "request_type": "complaint",
                "title": title,
                "content": title + "，请尽快处理。",
                "citizen_phone": phone,
                "area": w.area_town.code,
            }
        ),
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}", "Idempotency-Key": str(uuid.uuid4())},
    )
    assert answer.status_code == 201, answer.content
    return WorkOrder.objects.get(number=answer.json()["number"])


def test_the_post_queues_the_grouping_and_the_worker_makes_the_same_hotspot(w: World) -> None:
    _record, token = create_token(w.operator, "tests")
    client = Client()
    orders = []
    for title, phone in NOISE[:3]:
        with CaptureQueriesContext(connection) as queries:
            orders.append(_post(w, client, token, title, phone))
        sql = [q["sql"] for q in queries.captured_queries]
        # Nothing of the hotspots is read or written while the caller waits...
        assert not [s for s in sql if "hotspots_" in s], sql
        # ...only the one task that will group the order, written in the order's transaction.
        assert sum(s.startswith(f'INSERT INTO "{DBTaskResult._meta.db_table}"') for s in sql) == 1
        assert not Member.objects.filter(order=orders[-1]).exists()

    assert run_queued() == 3
    hotspot = Hotspot.objects.get()
    assert set(Member.objects.filter(hotspot=hotspot).values_list("order_id", flat=True)) == {o.pk for o in orders}
    assert (hotspot.order_count, hotspot.caller_count) == (3, 3)
    assert "油烟" in hotspot.title and hotspot.place == "幸福里小区"
    page = client_for(w.dispatcher).get("/hotspots/").content.decode()
    assert hotspot.title in page
    assert run_queued() == 0  # nothing left, nothing done twice
    assert Member.objects.count() == 3


def test_a_creation_that_rolls_back_leaves_no_task(w: World) -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        w.new_order(title=NOISE[0][0], citizen_phone=NOISE[0][1])
        raise RuntimeError("the caller's transaction fails after the order was made")
    assert not DBTaskResult.objects.filter(task_path=REACTIONS).exists()


def test_a_grouping_that_fails_is_tried_again_later(w: World, monkeypatch: pytest.MonkeyPatch) -> None:
    order = w.new_order(title=NOISE[0][0], content=NOISE[0][0], citizen_phone=NOISE[0][1])
    real = grouping.add_order
    calls: list[int] = []

    def failing_once(o: WorkOrder, **kwargs: object) -> Hotspot | None:
        calls.append(o.pk)
        if len(calls) == 1:
            raise ConnectionError("the database went away for a moment")
        return real(o)

    monkeypatch.setattr(grouping, "add_order", failing_once)
    assert run_queued() == 1  # the first attempt failed; the next one waits
    assert not Member.objects.filter(order=order).exists()
    first = DBTaskResult.objects.filter(task_path=REACTIONS).order_by("enqueued_at").first()
    assert first is not None and first.status == "SUCCESSFUL" and "attempt 2 queued" in str(first.return_value)

    with time_machine.travel(timezone.now() + timedelta(minutes=2)):
        assert run_queued() == 1
    assert Member.objects.filter(order=order).exists()
    assert calls == [order.pk, order.pk]


def test_a_grouping_failing_every_time_ends_as_a_failed_task(w: World, monkeypatch: pytest.MonkeyPatch) -> None:
    w.new_order(title=NOISE[0][0], citizen_phone=NOISE[0][1])

    def failing(o: WorkOrder, **kwargs: object) -> Hotspot | None:
        raise ConnectionError("the database went away")

    monkeypatch.setattr(grouping, "add_order", failing)
    moment = timezone.now()
    for _attempt in range(7):  # each a few hours later, well after the pause before it
        with time_machine.travel(moment):
            run_queued()
        moment += timedelta(hours=4)
    results = list(DBTaskResult.objects.filter(task_path=REACTIONS).values_list("status", flat=True))
    assert results.count("FAILED") == 1 and len(results) == 5  # four more attempts, then given up
