"""An operator records a caller's withdrawal on the order page while on the phone."""

from __future__ import annotations

import pytest

from civicdesk.orders.models import OrderEvent
from tests.console.helpers import client_for, text
from tests.world import World

pytestmark = pytest.mark.django_db


def test_the_operator_withdraws_an_order_for_the_caller(w: World) -> None:
    order = w.signed()
    client = client_for(w.operator)
    assert "撤销诉求" in text(client.get(f"/orders/{order.number}/"))

    response = client.post(
        f"/orders/{order.number}/act/withdraw/",
        {"withdraw-version": order.version, "withdraw-reason": "来电人称问题已解决"},
    )

    assert response.status_code == 302
    order.refresh_from_db()
    assert order.state == "withdrawn"
    event = OrderEvent.objects.get(order=order, action="withdraw")
    assert (event.actor, event.data["via"]) == (w.operator, "phone")
    assert "已撤销" in text(client.get(f"/orders/{order.number}/"))


def test_the_handling_unit_is_not_offered_the_withdrawal(w: World) -> None:
    order = w.signed()
    html = text(client_for(w.handler_a).get(f"/orders/{order.number}/"))
    assert "撤销诉求" not in html


def test_an_empty_reason_keeps_the_form_open_with_the_error(w: World) -> None:
    order = w.signed()

    response = client_for(w.operator).post(
        f"/orders/{order.number}/act/withdraw/", {"withdraw-version": order.version, "withdraw-reason": ""}
    )

    assert response.status_code == 400
    order.refresh_from_db()
    assert order.state == "signed"
