"""A form posted on a stale view of an order says who moved the order first and when, and
says "you, in another window" to the person who did it themselves — in Chinese and English."""

from __future__ import annotations

import pytest
from django.utils import timezone

from civicdesk.orders import actions
from civicdesk.orders.models import OrderEvent
from tests.console.helpers import client_for, messages_shown, text
from tests.world import World

pytestmark = pytest.mark.django_db


def _when(order_id: int) -> str:
    last = OrderEvent.objects.filter(order_id=order_id).order_by("-seq").first()
    assert last is not None
    return timezone.localtime(last.at).strftime("%H:%M")


def test_the_order_page_names_the_colleague_and_the_time(w: World) -> None:
    order = w.dispatched()
    seen = order.version
    actions.sign_for(order, actor=w.head_a)
    response = client_for(w.handler_a).post(f"/orders/{order.number}/act/sign/", {"sign-version": seen}, follow=True)
    shown = messages_shown(text(response))
    expected = f"刚被 {w.dept_a.name} {w.head_a.display_name} 于 {_when(order.pk)} 处理过（签收，当前状态：已签收）"
    assert any(expected in m for m in shown), shown


def test_the_order_page_tells_the_same_person_it_was_their_other_window(w: World) -> None:
    order = w.signed()
    seen = order.version
    actions.request_extension(order, actor=w.handler_a, days=2, reason="需协调施工单位。")  # in another tab
    response = client_for(w.handler_a).post(
        f"/orders/{order.number}/act/request_return/",
        {"request_return-version": seen, "request_return-reason": "不属本单位职责"},
        follow=True,
    )
    shown = messages_shown(text(response))
    assert any(f"已被你在另一窗口于 {_when(order.pk)} 处理过（申请延期" in m for m in shown), shown
    assert not any(w.handler_a.display_name in m for m in shown)


def test_it_says_so_in_english(w: World) -> None:
    order = w.dispatched()
    seen = order.version
    actions.sign_for(order, actor=w.head_a)
    client = client_for(w.handler_a)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    response = client.post(f"/orders/inbox/{order.number}/do/sign/", {"version": seen}, headers={"HX-Request": "true"})
    html = text(response)
    assert (
        f"Order {order.number} was just handled by {w.dept_a.name} {w.head_a.display_name} at {_when(order.pk)}" in html
    )
    assert "刚被" not in html
