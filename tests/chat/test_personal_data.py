"""The chat's messages are on the order under the order's personal-data rules: a confidential
caller's number and name are masked for the handling unit, in the transcript and the messages."""

from __future__ import annotations

from django.test import Client

from civicdesk.chat import actions
from civicdesk.orders import actions as order_actions
from tests.chat.helpers import PHONE, waiting_chat
from tests.world import World


def _ordered(w: World, *, confidential: bool) -> object:
    chat = waiting_chat(w.hub, confidential=confidential, text=f"我是李女士，电话{PHONE}，楼下餐馆油烟太大。")
    actions.take(chat, actor=w.operator)
    actions.make_order(chat, actor=w.operator, request_type="complaint", category=w.cat_noise)
    chat.refresh_from_db()
    return order_actions.dispatch(chat.order, actor=w.dispatcher, lead_unit=w.dept_a)  # type: ignore[arg-type]


def _order_page(user: object, number: str) -> str:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    response = client.get(f"/orders/{number}/")
    assert response.status_code == 200
    return response.content.decode()


def test_the_unit_reads_a_confidential_callers_chat_masked(w: World) -> None:
    order = _ordered(w, confidential=True)
    assert order.confidential  # type: ignore[attr-defined]
    page = _order_page(w.handler_a, order.number)  # type: ignore[attr-defined]
    assert 'id="order-chat"' in page and "楼下餐馆油烟太大" in page
    assert PHONE not in page


def test_the_hub_reads_it_as_written(w: World) -> None:
    order = _ordered(w, confidential=True)
    page = _order_page(w.dispatcher, order.number)  # type: ignore[attr-defined]
    assert 'id="order-chat"' in page and f"电话{PHONE}" in page


def test_an_ordinary_callers_chat_reads_as_written_for_the_unit(w: World) -> None:
    order = _ordered(w, confidential=False)
    page = _order_page(w.handler_a, order.number)  # type: ignore[attr-defined]
    assert f"电话{PHONE}" in page
