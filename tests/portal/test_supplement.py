"""Adding information or photos to an open order from the tracking page."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from civicdesk.notifications.models import OutboxMessage
from civicdesk.orders.models import OrderEvent
from tests.portal.helpers import text, track
from tests.world import World


def test_a_supplement_reaches_the_unit(w: World) -> None:
    order = w.signed()
    client = Client()
    track(client, order.number, "1234")
    photo = SimpleUploadedFile("hole.jpg", b"\xff\xd8\xff\xe0" + b"0" * 64, content_type="image/jpeg")
    response = client.post(
        f"/portal/track/{order.number}/supplement", {"text": "<b>坑</b>又变大了，今天有电动车摔倒。", "photos": photo}
    )
    assert response.status_code == 302
    event = OrderEvent.objects.get(order=order, action="supplement")
    assert event.note == "坑又变大了，今天有电动车摔倒。"
    assert event.actor is None
    assert order.attachments.filter(event=event).count() == 1
    assert OutboxMessage.objects.filter(event=event, user=w.handler_a).exists()
    html = text(client.get(response["Location"]))
    assert "补充内容已送达" in html
    assert "诉求信息已补充" in html


def test_it_needs_the_check_first(w: World) -> None:
    order = w.signed()
    response = Client().post(f"/portal/track/{order.number}/supplement", {"text": "补充"})
    assert response.status_code == 302
    assert not OrderEvent.objects.filter(order=order, action="supplement").exists()


def test_a_closed_order_takes_no_supplement(w: World) -> None:
    from civicdesk.orders import actions

    order = actions.record_callback(
        w.awaiting_callback(), actor=w.callback_agent, solved="solved", satisfaction="satisfied"
    )
    client = Client()
    track(client, order.number, "1234")
    page = text(client.get(f"/portal/track/{order.number}"))
    assert "提交补充" not in page
    response = client.post(f"/portal/track/{order.number}/supplement", {"text": "还有一点"}, follow=True)
    assert "已办结，不能再补充" in text(response)
    assert not OrderEvent.objects.filter(order=order, action="supplement").exists()


def test_an_empty_or_long_supplement_is_explained_and_kept(w: World) -> None:
    from civicdesk.portal.forms import SUPPLEMENT_MAX

    order = w.signed()
    client = Client()
    track(client, order.number, "1234")
    assert "请填写补充内容。" in text(client.post(f"/portal/track/{order.number}/supplement", {"text": " "}))
    long_text = "补" * (SUPPLEMENT_MAX + 1)
    response = client.post(f"/portal/track/{order.number}/supplement", {"text": long_text})
    assert response.status_code == 400
    assert f"现有 {SUPPLEMENT_MAX + 1} 个" in text(response)
    assert long_text in text(response)
