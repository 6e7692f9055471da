"""A NUL byte is refused with a clear 400 wherever text comes in — console forms, the
citizens' portal, the REST API, Open311, query strings — and nothing is stored. A row of an
order file import that holds one is refused on its own line with the same reason. Open311 no
longer answers "try again later" with a traceback in the log."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from django.test import Client

from civicdesk.api.tokens import create_token
from civicdesk.exchange.importing import import_orders
from civicdesk.exchange.mapping import load_map
from civicdesk.open311.keys import create_client
from civicdesk.orders.models import OrderEvent, WorkOrder
from tests.world import World

MESSAGE = "请求中含有空字符（NUL），无法保存。请删除后重新提交。"


def _logged_in(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def test_console_form(w: World) -> None:
    order = w.signed()
    response = _logged_in(w.handler_a).post(
        f"/orders/{order.number}/act/request_return/",
        {
            "request_return-version": order.version,
            "request_return-reason": "不属本单位\x00职责",
        },
    )
    assert response.status_code == 400 and MESSAGE in response.content.decode()
    assert not OrderEvent.objects.filter(order=order, action="request_return").exists()


def test_console_form_in_english(w: World) -> None:
    order = w.signed()
    client = _logged_in(w.handler_a)
    client.cookies["django_language"] = "en"
    response = client.post(
        f"/orders/{order.number}/act/request_return/",
        {
            "request_return-version": order.version,
            "request_return-reason": "x\x00",
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400 and "NUL" in response.content.decode()
    assert "空字符" not in response.content.decode()


def test_portal_submission(w: World) -> None:
    response = Client().post("/portal/submit", {"content": "路灯不亮\x00", "citizen_phone": "13912345678"})
    assert response.status_code == 400 and MESSAGE in response.content.decode()
    assert not WorkOrder.objects.exists()


def test_rest_api(w: World) -> None:
    token = create_token(w.operator, "nul")[1]
    body = {"request_type": "complaint", "title": "路灯\u0000不亮", "content": "人民路路灯不亮。"}
    response = Client().post(
        "/api/v1/orders",
        json.dumps(body),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
        HTTP_IDEMPOTENCY_KEY="nul-1",
    )
    assert response.status_code == 400
    assert response.json() == {"detail": MESSAGE, "code": "bad_request", "fields": {}}
    assert not WorkOrder.objects.exists()
    query = Client().get("/api/v1/orders?updated_after=2026-01-01%00", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert query.status_code == 400 and query.json()["code"] == "bad_request"


def test_open311_post(w: World, caplog: pytest.LogCaptureFixture) -> None:
    _app, key = create_client("随手拍", w.hub)
    with caplog.at_level(logging.ERROR):
        response = Client().post(
            "/open311/v2/requests.json",
            {
                "api_key": key,
                "service_code": "c-cj-dl-ph",
                "description": "路面塌陷\x00",
                "lat": "37.1",
                "long": "122.4",
            },
        )
    assert response.status_code == 400
    assert response.json() == [{"code": 400, "description": MESSAGE}]
    assert not WorkOrder.objects.exists()
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]  # no traceback for bad input


def test_query_string(w: World) -> None:
    response = _logged_in(w.dispatcher).get("/orders/search/?q=138%00")
    assert response.status_code == 400 and MESSAGE in response.content.decode()


def test_a_form_sent_to_the_rest_api_gets_the_api_s_own_answer(w: World) -> None:
    """The gate does not parse a form sent to the REST API (which reads the raw body): the API
    still answers it in JSON. (Photos, whose bytes hold NULs, are uploaded as before:
    tests/console_units/test_reply_from_inbox.py.)"""
    token = create_token(w.operator, "nul-form")[1]
    response = Client().post(
        "/api/v1/orders", {"title": "x"}, HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_IDEMPOTENCY_KEY="form-1"
    )
    assert response.status_code in (400, 422) and "code" in response.json()


def test_order_file_import_refuses_the_row_and_takes_the_others(w: World, tmp_path: Path) -> None:
    header = "工单编号,受理时间,受理渠道,诉求类型,紧急程度,诉求标题,诉求内容,联系电话"
    rows = [
        "H2025030300001,2025-03-03 09:00:00,12345热线,投诉,一般,路面坑洼,路面有\x00坑洼。,13800001234",
        "H2025030300002,2025-03-03 09:10:00,12345热线,投诉,一般,路灯不亮,路灯不亮。,13800001234",
    ]
    path = tmp_path / "orders.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    report = import_orders(path, load_map("shandong"), w.hub)
    assert [(r.line, r.reason) for r in report.rejected] == [(2, "含有空字符（NUL），无法保存，请删除后重试。")]
    assert list(WorkOrder.objects.values_list("number", flat=True)) == ["H2025030300002"]
