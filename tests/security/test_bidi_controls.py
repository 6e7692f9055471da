"""Bidirectional controls (U+202A–U+202E, U+2066–U+2069) make stored text display in another
order than it holds (a title that shows one phone number and stores another). They are
removed from what console forms, the REST API and Excel imports store."""

from __future__ import annotations

import json

from django.test import Client

from civicdesk.api.tokens import create_token
from civicdesk.orders.models import OrderEvent, WorkOrder
from tests.world import World

TRICK = "退款\u202e0001\u202c元，见\u2066附件\u2069\u202a\u202b\u202d\u2067\u2068"
CLEAN = "退款0001元，见附件"


def test_console_form_stores_text_without_bidi_controls(w: World) -> None:
    order = w.signed()
    client = Client()
    client.force_login(w.handler_a)
    response = client.post(
        f"/orders/{order.number}/act/request_return/",
        {
            "request_return-version": order.version,
            "request_return-reason": TRICK,
        },
    )
    assert response.status_code == 302
    event = OrderEvent.objects.get(order=order, action="request_return")
    assert CLEAN in json.dumps(event.data, ensure_ascii=False) or CLEAN in str(event.note)
    assert "\u202e" not in json.dumps(event.data, ensure_ascii=False) + str(event.note)


def test_rest_api_stores_text_without_bidi_controls(w: World) -> None:
    token = create_token(w.operator, "bidi")[1]
    body = {"request_type": "complaint", "title": TRICK, "content": f"内容{TRICK}", "citizen_name": "王\u202e先生"}
    response = Client().post(
        "/api/v1/orders",
        json.dumps(body),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
        HTTP_IDEMPOTENCY_KEY="bidi-1",
    )
    assert response.status_code == 201, response.content
    order = WorkOrder.objects.get()
    assert (order.title, order.content, order.citizen_name) == (CLEAN, f"内容{CLEAN}", "王先生")
