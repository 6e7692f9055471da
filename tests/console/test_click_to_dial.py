"""Click-to-dial in the callback queue, the missed calls and the caller's history: each
number is a tel: link; with a CTI configured (CIVICDESK_CTI_DIAL_URL), 拨打 asks it to dial on
the person's behalf, keeps the request, and says in words when the CTI cannot be reached.
The CTI here is a real HTTP server on the loopback interface."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest
from django.test import override_settings

from civicdesk.intake.models import Call, CallState, DialRequest
from tests.console.helpers import client_for, text
from tests.world import World

pytestmark = pytest.mark.django_db


class FakeCti:
    """A CTI's dial endpoint on 127.0.0.1: records what it was sent, answers `status`."""

    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        self.status = 202
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                owner.received.append(json.loads(self.rfile.read(length)))
                owner.headers.append(dict(self.headers))
                self.send_response(owner.status)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/dial"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def cti() -> Iterator[FakeCti]:
    server = FakeCti()
    try:
        yield server
    finally:
        server.close()


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])  # nothing listens once the socket is closed


def test_numbers_are_tel_links_and_no_dial_button_without_a_cti(w: World) -> None:
    order = w.awaiting_callback(citizen_phone="13900001111")
    page = text(client_for(w.callback_agent).get("/orders/callbacks/"))
    assert 'href="tel:13900001111"' in page
    assert order.number in page
    assert "/intake/dial" not in page


@override_settings(CIVICDESK_CTI_DIAL_TOKEN="s3cret")
def test_the_callback_agent_dials_through_the_cti(w: World, cti: FakeCti) -> None:
    order = w.awaiting_callback(citizen_phone="13900002222")
    agent = client_for(w.callback_agent)
    with override_settings(CIVICDESK_CTI_DIAL_URL=cti.url):
        page = text(agent.get("/orders/callbacks/"))
        assert 'action="/intake/dial"' in page and f'name="order" value="{order.number}"' in page
        response = agent.post("/intake/dial", {"order": order.number, "next": "/orders/callbacks/"}, follow=True)
    assert response.redirect_chain[-1][0] == "/orders/callbacks/"
    assert "已请软电话拨打 13900002222" in text(response)
    assert cti.received == [
        {"phone": "13900002222", "agent": w.callback_agent.username, "order": order.number, "call_id": ""}
    ]
    assert cti.headers[0]["Authorization"] == "Bearer s3cret"
    kept = DialRequest.objects.get()
    assert (kept.user, kept.phone, kept.order, kept.outcome) == (w.callback_agent, "13900002222", order, "sent")


def test_an_unreachable_cti_is_said_in_words_with_the_number_to_dial(w: World) -> None:
    order = w.awaiting_callback(citizen_phone="13900003333")
    with override_settings(CIVICDESK_CTI_DIAL_URL=f"http://127.0.0.1:{_closed_port()}/dial", CIVICDESK_CTI_TIMEOUT=2):
        response = client_for(w.callback_agent).post(
            "/intake/dial", {"order": order.number, "next": "/orders/callbacks/"}, follow=True
        )
    page = text(response)
    assert "软电话平台没有响应" in page and "请手工拨打 13900003333" in page
    kept = DialRequest.objects.get()
    assert kept.outcome == "failed" and kept.detail


def test_a_cti_that_refuses_is_reported_and_kept(w: World, cti: FakeCti) -> None:
    cti.status = 503
    order = w.awaiting_callback(citizen_phone="13900004444")
    with override_settings(CIVICDESK_CTI_DIAL_URL=cti.url):
        response = client_for(w.callback_agent).post("/intake/dial", {"order": order.number}, follow=True)
    assert "HTTP 503" in text(response)
    assert DialRequest.objects.get().outcome == "failed"


def test_a_missed_call_is_dialled_by_its_record_not_by_a_number_from_the_browser(w: World, cti: FakeCti) -> None:
    call = Call.objects.create(call_id="m-1", phone="13700005555", hub=w.hub, state=CallState.MISSED)
    operator = client_for(w.operator)
    with override_settings(CIVICDESK_CTI_DIAL_URL=cti.url):
        page = text(operator.get("/intake/missed"))
        assert 'href="tel:13700005555"' in page and f'name="call" value="{call.pk}"' in page
        operator.post("/intake/dial", {"call": call.pk, "phone": "110", "next": "/intake/missed"})
    assert cti.received[0]["phone"] == "13700005555" and cti.received[0]["call_id"] == "m-1"


def test_the_callers_history_offers_the_caller_number(w: World, cti: FakeCti) -> None:
    with override_settings(CIVICDESK_CTI_DIAL_URL=cti.url):
        page = text(client_for(w.operator).get("/intake/new", {"caller": "13912345678"}))
        history = page[page.index("来电人历史工单") :]
        assert 'href="tel:13912345678"' in history[:2000]
        assert 'name="phone" value="13912345678"' in history[:2000]
        client_for(w.operator).post("/intake/dial", {"phone": "139 1234 5678"})
    assert cti.received[0]["phone"] == "13912345678"


def test_nobody_dials_an_order_they_may_not_see(w: World, cti: FakeCti) -> None:
    order = w.awaiting_callback(citizen_phone="13900006666")
    with override_settings(CIVICDESK_CTI_DIAL_URL=cti.url):
        assert client_for(w.handler_b).post("/intake/dial", {"order": order.number}).status_code == 403
        assert client_for(w.callback_agent).post("/intake/dial", {"phone": "13900006666"}).status_code == 403
    assert cti.received == [] and not DialRequest.objects.exists()
