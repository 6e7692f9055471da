"""POST /orders with an Idempotency-Key: a retried call never makes two orders."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection, connections
from django.test import Client

from civicdesk.api import api as api_module
from civicdesk.api.models import IdempotencyRecord
from civicdesk.api.tokens import create_token
from civicdesk.orders.models import WorkOrder
from tests.api.conftest import order_body
from tests.world import build_world


def test_same_key_twice_makes_one_order_and_the_same_answer(w, as_user):
    op = as_user(w.operator)
    first = op.create(order_body(), key="k-1")
    second = op.create(order_body(), key="k-1")
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert second["Idempotent-Replayed"] == "true"
    assert WorkOrder.objects.count() == 1
    assert IdempotencyRecord.objects.get(key="k-1").order.number == first.json()["number"]


def test_same_key_with_a_different_body_is_refused(w, as_user):
    op = as_user(w.operator)
    assert op.create(order_body(), key="k-2").status_code == 201
    again = op.create(order_body(title="另一件事"), key="k-2")
    assert again.status_code == 422
    body = again.json()
    assert body["code"] == "idempotency_key_reused"
    assert "Idempotency-Key" in body["detail"] and "Idempotency-Key" in body["fields"]
    assert WorkOrder.objects.count() == 1


def test_key_is_required(w, as_user):
    response = as_user(w.operator).post("/orders", order_body())
    assert response.status_code == 422
    assert "Idempotency-Key" in response.json()["fields"]
    assert WorkOrder.objects.count() == 0


def test_blank_or_odd_key_is_refused(w, as_user):
    response = as_user(w.operator).post("/orders", order_body(), headers={"Idempotency-Key": "  "})
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_idempotency_key"


def test_keys_belong_to_one_caller(w, as_user):
    assert as_user(w.operator).create(order_body(), key="shared").status_code == 201
    assert as_user(w.dispatcher).create(order_body(), key="shared").status_code == 201
    assert WorkOrder.objects.count() == 2


def test_a_failed_create_does_not_use_up_the_key(w, as_user):
    op = as_user(w.operator)
    bad = op.create(order_body(category="no-such"), key="k-3")
    assert bad.status_code == 422 and "category" in bad.json()["fields"]
    good = op.create(order_body(), key="k-3")
    assert good.status_code == 201


def test_upstream_duplicate_is_refused(w, as_user):
    op = as_user(w.operator)
    body = order_body(upstream_platform="minxin", upstream_id="MX-1")
    assert op.create(body).status_code == 201
    again = op.create(body)  # a new key, the same upstream case
    assert again.status_code == 422 and "upstream_id" in again.json()["fields"]


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_retries_make_one_order(monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip(
            "needs PostgreSQL: SQLite runs IMMEDIATE transactions one at a time, so the two "
            "requests can never overlap inside the database and the race is not exercised"
        )
    w = build_world()
    _record, token = create_token(w.operator, "sys")
    real_create = api_module.actions.create_order

    def slow_create(**kwargs):
        order = real_create(**kwargs)
        time.sleep(0.5)  # hold the idempotency row uncommitted while the other request arrives
        return order

    monkeypatch.setattr(api_module.actions, "create_order", slow_create)
    barrier = threading.Barrier(2)
    results: list = [None, None]

    def call(index: int) -> None:
        try:
            barrier.wait()
            response = Client().post(
                "/api/v1/orders",
                order_body(),
                content_type="application/json",
                headers={"Authorization": f"Bearer {token}", "Idempotency-Key": "race-1"},
            )
            results[index] = (response.status_code, response.json())
        finally:
            connections.close_all()

    threads = [threading.Thread(target=call, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert [r[0] for r in results] == [201, 201], results
    assert results[0][1]["number"] == results[1][1]["number"]
    assert WorkOrder.objects.count() == 1
    assert IdempotencyRecord.objects.filter(key="race-1").count() == 1
