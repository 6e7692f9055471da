"""Bidirectional controls (U+202A–U+202E, U+2066–U+2069) make stored text display in another
order than it holds (a title that shows one phone number and stores another). They are
removed from what console forms, the REST API, an upstream platform's push, order file imports
and Excel imports store."""

from __future__ import annotations

import json
from pathlib import Path

from django.test import Client

from civicdesk.api.tokens import create_token
from civicdesk.exchange.importing import import_orders
from civicdesk.exchange.mapping import load_map
from civicdesk.orders.models import OrderEvent, WorkOrder
from civicdesk.upstream.models import UpstreamPlatform
from tests.upstream.conftest import mock, platform  # noqa: F401  (fixtures)
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


def test_an_upstream_push_stores_text_without_bidi_controls(w: World, platform: UpstreamPlatform) -> None:  # noqa: F811
    body = {"upstream_id": "MX-BIDI", "title": TRICK, "content": f"内容{TRICK}", "citizen_name": "王\u202e先生"}
    response = Client().post(
        f"/upstream/{platform.code}/orders/",
        data=json.dumps(body, ensure_ascii=False),
        content_type="application/json",
        headers={"X-Upstream-Token": platform.inbound_token},
    )
    assert response.status_code == 201, response.content
    order = WorkOrder.objects.get(upstream_id="MX-BIDI")
    assert (order.title, order.content, order.citizen_name) == (CLEAN, f"内容{CLEAN}", "王先生")


def test_an_order_file_import_stores_text_without_bidi_controls(w: World, tmp_path: Path) -> None:
    header = "工单编号,受理时间,受理渠道,诉求类型,紧急程度,诉求标题,诉求内容,诉求人,联系电话"
    row = f"H2025030300001,2025-03-03 09:00:00,12345热线,投诉,一般,{TRICK},内容{TRICK},王\u202e先生,13800001234"
    path = tmp_path / "orders.csv"
    path.write_text(f"{header}\n{row}\n", encoding="utf-8")
    report = import_orders(path, load_map("shandong"), w.hub)
    assert report.imported == 1, [r.reason for r in report.rejected]
    order = WorkOrder.objects.get(number="H2025030300001")
    assert (order.title, order.content, order.citizen_name) == (CLEAN, f"内容{CLEAN}", "王先生")
