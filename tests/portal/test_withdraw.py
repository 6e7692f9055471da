"""A citizen withdraws a request from the tracking page, after the same check as tracking."""

from __future__ import annotations

from django.test import Client

from civicdesk.notifications.models import OutboxMessage
from civicdesk.orders.models import OrderEvent, WorkOrder
from tests.portal.helpers import text, track
from tests.world import World


def test_the_citizen_withdraws_an_order_being_handled(w: World) -> None:
    order = w.signed()
    client = Client()
    track(client, order.number, "1234")
    assert "撤销这件诉求" in text(client.get(f"/portal/track/{order.number}"))

    response = client.post(
        f"/portal/track/{order.number}/withdraw", {"reason": "路面已修好，不用再处理了。", "confirm": "on"}
    )

    assert response.status_code == 302
    order.refresh_from_db()
    assert order.state == "withdrawn"
    event = OrderEvent.objects.get(order=order, action="withdraw")
    assert (event.actor, event.note, event.data["via"]) == (None, "路面已修好，不用再处理了。", "portal")
    assert OutboxMessage.objects.filter(event=event, user=w.handler_a).exists()
    page = text(client.get(response["Location"]))
    assert "您的诉求已撤销" in page
    assert "已按您的要求撤销" in page
    assert "来电人已撤销诉求" in page  # the public note in the progress list
    assert "撤销这件诉求" not in page


def test_it_needs_the_tracking_check_first(w: World) -> None:
    order = w.signed()

    response = Client().post(f"/portal/track/{order.number}/withdraw", {"reason": "不要了", "confirm": "on"})

    assert response.status_code == 302
    assert "/portal/track?number=" in response["Location"]
    order.refresh_from_db()
    assert order.state == "signed"


def test_a_missing_reason_or_confirmation_is_explained_and_the_text_kept(w: World) -> None:
    order = w.signed()
    client = Client()
    track(client, order.number, "1234")

    response = client.post(f"/portal/track/{order.number}/withdraw", {"reason": "已解决"})

    assert response.status_code == 400
    page = text(response)
    assert "请勾选确认后再撤销" in page
    assert "已解决" in page
    order.refresh_from_db()
    assert order.state == "signed"


def test_a_replied_order_offers_no_withdrawal_and_refuses_one(w: World) -> None:
    order = w.replied()
    client = Client()
    track(client, order.number, "1234")
    assert "撤销这件诉求" not in text(client.get(f"/portal/track/{order.number}"))

    response = client.post(f"/portal/track/{order.number}/withdraw", {"reason": "不要了", "confirm": "on"}, follow=True)

    assert "已答复或已办结，不能再撤销" in text(response)
    assert WorkOrder.objects.get(pk=order.pk).state == "replied"
