"""Signing for an order from its inbox row: htmx swaps the row; a stale row says why."""

from __future__ import annotations

from civicdesk.orders import actions
from civicdesk.orders.models import OrderEvent
from civicdesk.orders.workflow import State
from tests.console_units.helpers import client_for, inbox_rows, text
from tests.world import World

HTMX = {"HX-Request": "true"}


def test_it_signs_for_an_order_in_the_row(w: World) -> None:
    order = w.dispatched()
    client = client_for(w.handler_a)
    row = inbox_rows(text(client.get("/orders/inbox/?tab=sign")))[order.number]
    assert f'hx-post="/orders/inbox/{order.number}/do/sign/"' in row
    assert f'name="version" value="{order.version}"' in row

    response = client.post(f"/orders/inbox/{order.number}/do/sign/", {"version": order.version}, headers=HTMX)

    assert response.status_code == 200
    swapped = text(response)
    assert swapped.lstrip().startswith(f'<tr id="row-{order.number}">')
    assert f"已签收：{order.number}" in swapped
    assert "已签收</td>" in swapped  # the state column now says so
    assert f"/orders/inbox/{order.number}/reply/" in swapped  # and the next move is offered
    order.refresh_from_db()
    assert order.state == State.SIGNED
    assert OrderEvent.objects.filter(order=order, action="sign", actor=w.handler_a).count() == 1


def test_it_explains_a_stale_sign_for_and_writes_nothing(w: World) -> None:
    order = w.dispatched()
    seen_version = order.version
    actions.sign_for(order, actor=w.head_a)  # a colleague was quicker
    events = OrderEvent.objects.filter(order=order).count()

    response = client_for(w.handler_a).post(
        f"/orders/inbox/{order.number}/do/sign/", {"version": seen_version}, headers=HTMX
    )

    assert response.status_code == 200
    swapped = text(response)
    assert "alert-warning" in swapped
    assert f"工单 {order.number} 刚被 {w.dept_a.name} {w.head_a.display_name} 于" in swapped
    assert "（签收，当前状态：已签收），请查看最新情况后再操作。" in swapped
    assert f"/orders/inbox/{order.number}/do/sign/" not in swapped  # no second sign-for button
    assert OrderEvent.objects.filter(order=order).count() == events


def test_it_works_without_javascript(w: World) -> None:
    order = w.dispatched()
    client = client_for(w.handler_a)

    response = client.post(
        f"/orders/inbox/{order.number}/do/sign/", {"version": order.version, "next": "/orders/inbox/?tab=sign"}
    )

    assert response.status_code == 302
    assert response["Location"] == "/orders/inbox/?tab=sign"
    assert f"已签收：{order.number}" in text(client.get(response["Location"]))
    order.refresh_from_db()
    assert order.state == State.SIGNED


def test_it_refuses_an_order_of_another_unit(w: World) -> None:
    order = w.dispatched()
    response = client_for(w.handler_b).post(f"/orders/inbox/{order.number}/do/sign/", {"version": order.version})
    assert response.status_code == 404
    order.refresh_from_db()
    assert order.state == State.DISPATCHED
