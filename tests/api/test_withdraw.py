"""A citizen's withdrawal through an API client (a WeChat mini program, an app)."""

from __future__ import annotations

from civicdesk.orders.models import OrderEvent
from tests.world import World


def test_an_api_client_withdraws_and_the_event_says_so(w, as_user) -> None:
    order = w.signed()

    response = as_user(w.operator).act(order.number, "withdraw", order.version, reason="已自行解决。")

    assert response.status_code == 200, response.content.decode()
    assert response.json()["state"] == "withdrawn"
    event = OrderEvent.objects.get(order=order, action="withdraw")
    assert event.data["via"] == "api"
    assert event.actor == w.operator


def test_an_api_withdrawal_after_the_reply_is_refused(w: World, as_user) -> None:
    order = w.replied()

    response = as_user(w.operator).act(order.number, "withdraw", order.version, reason="不要了")

    assert response.status_code == 422
    assert response.json()["code"] == "invalid_transition"


def test_an_empty_reason_names_the_field(w: World, as_user) -> None:
    order = w.signed()

    response = as_user(w.operator).act(order.number, "withdraw", order.version, reason="")

    assert response.status_code == 422
    assert "reason" in response.json()["fields"]
