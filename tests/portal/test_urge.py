"""催办 from the tracking page: only after the tracking check, once a day per order, told to the
unit, on the timeline as a portal 催办."""

from __future__ import annotations

from django.test import Client, override_settings

from civicdesk.notifications.models import OutboxMessage
from civicdesk.orders.models import OrderEvent
from tests.portal.helpers import text, track
from tests.world import World


def test_a_tracked_caller_urges_and_the_unit_hears_of_it(w: World) -> None:
    order = w.signed()
    client = Client()
    track(client, order.number, "1234")

    page = text(client.get(f"/portal/track/{order.number}"))
    assert 'id="urge-form"' in page
    response = client.post(f"/portal/track/{order.number}/urge", {"note": "坑还在，昨天又有人摔倒了。"})

    assert response.status_code == 302
    event = OrderEvent.objects.get(order=order, action="urge")
    assert event.actor is None and event.data["via"] == "portal" and event.note == "坑还在，昨天又有人摔倒了。"
    assert OutboxMessage.objects.filter(event=event, user=w.handler_a).exists()
    assert OutboxMessage.objects.filter(event=event, user=w.operator).exists()  # the owner (首接)
    order.refresh_from_db()
    assert order.urge_count == 1
    assert "已催办" in text(client.get(response["Location"]))


def test_it_needs_the_tracking_check_first(w: World) -> None:
    order = w.signed()
    response = Client().post(f"/portal/track/{order.number}/urge", {"note": ""})
    assert response.status_code == 302 and "/portal/track" in response["Location"]
    assert not OrderEvent.objects.filter(order=order, action="urge").exists()


def test_once_a_day_per_order(w: World) -> None:
    order = w.signed()
    client = Client()
    track(client, order.number, "1234")
    client.post(f"/portal/track/{order.number}/urge", {"note": ""})

    # Another browser, the same order: still one a day.
    other = Client()
    track(other, order.number, "1234")
    response = other.post(f"/portal/track/{order.number}/urge", {"note": "再催一次"})

    assert "今天已催办过" in text(other.get(response["Location"]))
    assert OrderEvent.objects.filter(order=order, action="urge").count() == 1


@override_settings(CIVICDESK_PORTAL_URGES_PER_IP_HOUR=2)
def test_one_address_cannot_urge_many_orders(w: World) -> None:
    client = Client()
    orders = [w.signed() for _ in range(3)]
    for order in orders:
        track(client, order.number, "1234")
        client.post(f"/portal/track/{order.number}/urge", {"note": ""})
    assert OrderEvent.objects.filter(action="urge").count() == 2


def test_a_closed_order_offers_no_urge_and_refuses_one(w: World) -> None:
    order = w.closed()
    client = Client()
    track(client, order.number, "1234")
    assert 'id="urge-form"' not in text(client.get(f"/portal/track/{order.number}"))
    response = client.post(f"/portal/track/{order.number}/urge", {"note": ""})
    assert "已办结" in text(client.get(response["Location"]))
    assert not OrderEvent.objects.filter(order=order, action="urge").exists()


def test_a_long_note_is_refused_and_kept(w: World) -> None:
    order = w.signed()
    client = Client()
    track(client, order.number, "1234")
    response = client.post(f"/portal/track/{order.number}/urge", {"note": "催" * 501})
    assert response.status_code == 400
    assert "催" * 501 in text(response)
    assert not OrderEvent.objects.filter(order=order, action="urge").exists()
