"""At intake the caller's open orders are offered first (the same matter marked), and one
click records the call as a 催办 on one of them instead of a new order; a new order from the
same number on the same matter within the configured days is flagged as a repeat call."""

from __future__ import annotations

from django.test import Client, override_settings

from civicdesk.orders.models import OrderEvent, WorkOrder
from tests.world import World

PHONE = "13800001234"  # the world's default caller


def _operator(w: World) -> Client:
    client = Client()
    client.force_login(w.operator)
    return client


def test_the_callers_open_orders_come_first_with_the_same_matter_marked(w: World) -> None:
    noise = w.signed(category=w.cat_noise, title="广场舞噪音扰民")
    pothole = w.signed()
    w.closed()  # finished: not offered

    html = (
        _operator(w)
        .post("/intake/suggest", {"citizen_phone": PHONE, "title": "人民路坑洼", "category": str(w.cat_potholes.pk)})
        .content.decode()
    )

    block = html[html.index('id="repeat-caller"') :]
    assert block.index(pothole.number) < block.index(noise.number)
    assert f'data-number="{pothole.number}" data-same-matter="1"' in block
    assert f'data-number="{noise.number}" data-same-matter' not in block
    assert "记为催办" in block


def test_one_click_adds_the_call_as_an_urge_instead_of_a_new_order(w: World) -> None:
    order = w.signed()
    before = WorkOrder.objects.count()
    client = _operator(w)

    response = client.post(
        f"/intake/urge/{order.number}", {"version": order.version, "note": "来电人再次来电，催促尽快办理"}
    )

    assert response.status_code == 302 and response["Location"] == f"/orders/{order.number}/"
    assert WorkOrder.objects.count() == before
    event = OrderEvent.objects.get(order=order, action="urge")
    assert (event.actor, event.data["via"], event.note) == (w.operator, "phone", "来电人再次来电，催促尽快办理")
    page = client.get(response["Location"]).content.decode()
    assert "第 1 次催办" in page and 'id="urge-count">1' in page


def test_a_stale_list_does_not_urge_twice(w: World) -> None:
    order = w.signed()
    client = _operator(w)
    client.post(f"/intake/urge/{order.number}", {"version": order.version})
    client.post(f"/intake/urge/{order.number}", {"version": order.version})  # the same button pressed again
    assert OrderEvent.objects.filter(order=order, action="urge").count() == 1


def test_a_handler_cannot_urge_from_intake(w: World) -> None:
    order = w.signed()
    client = Client()
    client.force_login(w.handler_a)
    assert client.post(f"/intake/urge/{order.number}", {"version": order.version}).status_code == 403
    assert not OrderEvent.objects.filter(order=order, action="urge").exists()


@override_settings(CIVICDESK_REPEAT_CALL_DAYS=30)
def test_a_repeat_call_is_flagged_on_the_new_order(w: World) -> None:
    first = w.closed()
    again = w.new_order(title="人民路坑洼又出现了")
    other = w.new_order(category=w.cat_noise, title="噪音")

    client = Client()
    client.force_login(w.dispatcher)
    assert f"重复来电（前单 {first.number}）" in client.get(f"/orders/{again.number}/").content.decode()
    assert 'id="repeat-call"' not in client.get(f"/orders/{other.number}/").content.decode()
