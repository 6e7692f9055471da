"""An unsatisfied citizen, the unit's fault: the callback sends the order back for rework."""

from __future__ import annotations

from typing import Any

from civicdesk.orders.models import WorkOrder
from civicdesk.orders.workflow import State
from tests.console_units.helpers import client_for, order_numbers, text
from tests.world import World


def _record(w: World, order: WorkOrder, **answers: str) -> Any:
    data: dict[str, Any] = {"record_callback-version": order.version, "next": "/orders/callbacks/"}
    data.update({f"record_callback-{k}": v for k, v in answers.items()})
    return client_for(w.callback_agent).post(f"/orders/{order.number}/act/record_callback/", data)


def test_it_sends_the_order_back_to_the_unit_for_rework(w: World) -> None:
    order = w.awaiting_callback()

    response = _record(w, order, solved="unsolved", satisfaction="unsatisfied", comment="坑还在。", rework="on")

    assert response.status_code == 302
    order.refresh_from_db()
    assert order.state == State.REWORK
    assert order.rework_count == 1
    assert order_numbers(text(client_for(w.callback_agent).get("/orders/callbacks/"))) == []
    handler = text(client_for(w.handler_a).get("/orders/inbox/?tab=handling"))
    assert order.number in order_numbers(handler)


def test_it_refuses_rework_for_a_satisfied_citizen_next_to_the_field(w: World) -> None:
    order = w.awaiting_callback()

    response = _record(w, order, solved="solved", satisfaction="satisfied", rework="on")

    assert response.status_code == 400
    assert "只有群众不满意或问题未解决时才能重办。" in text(response)
    order.refresh_from_db()
    assert order.state == State.AWAITING_CALLBACK
