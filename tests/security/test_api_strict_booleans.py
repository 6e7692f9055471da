"""The REST API takes only true or false for a yes/no field: "yes", 1 or "on" are refused
with a 422 naming the field instead of being guessed (a confidential caller's privacy hangs on it)."""

from __future__ import annotations

import pytest

from civicdesk.orders.models import WorkOrder
from tests.api.conftest import order_body
from tests.security.api_caller import caller
from tests.world import World


@pytest.mark.parametrize("value", ["yes", "true", 1, 0, "on", "1", None])
def test_confidential_must_be_a_boolean(w: World, value: object) -> None:
    response = caller(w.operator).create(order_body(confidential=value))
    assert response.status_code == 422, response.content
    assert "confidential" in response.json()["fields"]
    assert not WorkOrder.objects.exists()


def test_wants_reply_must_be_a_boolean(w: World) -> None:
    response = caller(w.operator).create(order_body(wants_reply="no"))
    assert response.status_code == 422 and "wants_reply" in response.json()["fields"]


def test_true_and_false_are_taken(w: World) -> None:
    response = caller(w.operator).create(order_body(confidential=True, wants_reply=False))
    assert response.status_code == 201, response.content
    order = WorkOrder.objects.get()
    assert order.confidential and not order.wants_reply
