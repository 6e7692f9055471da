"""The Django admin keeps callers' personal data out: no caller name or phone on its pages
(a confidential caller least of all), no finding orders by a phone number, numbers written
into the text masked. The console is where callers are seen, by role and logged."""

from __future__ import annotations

import pytest
from django.test import Client

from civicdesk.intake.calls import record_event
from civicdesk.org.models import User
from tests.world import World

pytestmark = pytest.mark.django_db

PHONE = "13912345678"


def _superuser() -> Client:
    boss = User.objects.create_superuser("root", password="x-Long-enough-42")
    client = Client()
    client.force_login(boss)
    return client


def test_the_admin_shows_no_caller_of_a_confidential_order(w: World) -> None:
    order = w.dispatched(
        confidential=True,
        citizen_phone=PHONE,
        citizen_name="赵秀兰",
        title="赵秀兰举报噪音",
        content=f"请回电 139.1234.5678 或 {PHONE}",
    )
    client = _superuser()
    pages = [client.get("/admin/orders/workorder/"), client.get(f"/admin/orders/workorder/{order.pk}/change/")]
    for response in pages:
        assert response.status_code == 200
        body = response.content.decode()
        for private in (PHONE, "139.1234.5678", "赵秀兰"):
            assert private not in body, private
    assert "139****5678" in pages[1].content.decode()


def test_the_admin_does_not_find_orders_by_phone(w: World) -> None:
    order = w.dispatched(confidential=True, citizen_phone=PHONE)
    client = _superuser()
    for query in (PHONE, "1391234", "5678"):
        body = client.get("/admin/orders/workorder/", {"q": query}).content.decode()
        assert order.number not in body, query
    assert order.number in client.get("/admin/orders/workorder/", {"q": order.number}).content.decode()


def test_the_admin_masks_callers_numbers_of_calls(w: World) -> None:
    call = record_event(poster=w.operator, call_id="c-1", kind="ringing", phone=PHONE).call
    client = _superuser()
    for path in ("/admin/intake/call/", f"/admin/intake/call/{call.pk}/change/"):
        body = client.get(path).content.decode()
        assert PHONE not in body and "139****5678" in body, path
    assert "c-1" not in client.get("/admin/intake/call/", {"q": PHONE}).content.decode()


def test_the_admin_masks_citizens_numbers_in_the_outbox(w: World) -> None:
    from civicdesk.notifications.models import OutboxMessage

    w.new_order(citizen_phone=PHONE)
    message = OutboxMessage.objects.filter(address=PHONE).first()
    assert message is not None, "the caller is sent an SMS on a new order"
    client = _superuser()
    for path in ("/admin/notifications/outboxmessage/", f"/admin/notifications/outboxmessage/{message.pk}/change/"):
        body = client.get(path).content.decode()
        assert PHONE not in body and "139****5678" in body, path
