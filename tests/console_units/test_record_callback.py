"""Recording the callback's answers closes the order; it leaves the queue."""

from __future__ import annotations

from civicdesk.orders.models import OrderEvent
from civicdesk.orders.workflow import State
from tests.console_units.helpers import client_for, order_numbers, text
from tests.world import World


def test_it_closes_the_order_when_the_callback_is_recorded(w: World) -> None:
    order = w.awaiting_callback()
    client = client_for(w.callback_agent)
    assert order_numbers(text(client.get("/orders/callbacks/"))) == [order.number]

    response = client.post(
        f"/orders/{order.number}/act/record_callback/",
        {
            "record_callback-version": order.version,
            "record_callback-solved": "solved",
            "record_callback-satisfaction": "basically",
            "record_callback-comment": "路面已修好。",
            "next": "/orders/callbacks/",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == "/orders/callbacks/"
    order.refresh_from_db()
    assert order.state == State.CLOSED
    assert (order.callback_solved, order.callback_satisfaction) == ("solved", "basically")
    event = OrderEvent.objects.filter(order=order).order_by("-seq").first()
    assert event is not None
    assert (event.action, event.actor, event.data["via"], event.note) == (
        "record_callback",
        w.callback_agent,
        "phone",
        "路面已修好。",
    )
    assert order_numbers(text(client.get("/orders/callbacks/"))) == []


def test_it_closes_without_callback_when_the_citizen_is_unreachable(w: World) -> None:
    order = w.awaiting_callback()

    response = client_for(w.callback_agent).post(
        f"/orders/{order.number}/act/close_without_callback/",
        {
            "close_without_callback-version": order.version,
            "close_without_callback-reason": "三次致电无人接听。",
            "next": "/orders/callbacks/",
        },
    )

    assert response.status_code == 302
    order.refresh_from_db()
    assert order.state == State.CLOSED
    assert order.no_callback_reason == "三次致电无人接听。"


def test_it_sends_back_to_the_queue_when_the_order_is_no_longer_awaiting_callback(w: World) -> None:
    order = w.closed()
    client = client_for(w.callback_agent)
    response = client.get(f"/orders/callbacks/{order.number}/")
    assert response.status_code == 302
    assert f"工单 {order.number} 当前状态为“已办结”，无需回访。" in text(client.get(response["Location"]))
