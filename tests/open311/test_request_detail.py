from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.test import Client
from django.utils import timezone

from civicdesk.orders import actions
from tests.open311.helpers import BASE, both, errors_of, validate
from tests.world import World


def _offset(value: str) -> str:
    parsed = datetime.fromisoformat(value)
    assert parsed.utcoffset() is not None
    return value[-6:]


def test_it_maps_an_order_to_a_request(w: World, client: Client) -> None:
    order = w.signed(latitude=Decimal("37.1"), longitude=Decimal("122.4"), address="人民路18号")
    [body] = both(client, f"/requests/{order.number}")
    validate([body], "requests.json")
    validate(body, "request.json")
    assert body["service_request_id"] == order.number
    assert body["status"] == "open"
    assert body["status_notes"] == "承办单位已签收，正在办理"
    assert body["service_code"] == "c-cj-dl-ph" and body["service_name"] == "路面破损"
    assert body["description"] == order.content
    assert body["agency_responsible"] == "市住房和城乡建设局"
    assert body["address"] == "人民路18号" and body["address_id"] == "a-yt"
    assert body["lat"] == 37.1 and body["long"] == 122.4
    assert body["media_url"] is None
    assert order.handle_due_at is not None
    assert body["expected_datetime"] == timezone.localtime(order.handle_due_at).isoformat(timespec="seconds")
    assert body["requested_datetime"] == timezone.localtime(order.created_at).isoformat(timespec="seconds")
    assert body["updated_datetime"] == timezone.localtime(order.updated_at).isoformat(timespec="seconds")
    for field in ("expected_datetime", "requested_datetime", "updated_datetime"):
        assert _offset(body[field]) == "+08:00"
    assert "承办单位应于" in body["service_notice"]


def test_a_closed_order_is_closed(w: World, client: Client) -> None:
    order = w.closed()
    [body] = both(client, f"/requests/{order.number}")
    assert body["status"] == "closed" and body["status_notes"] == "已回访，办结"
    assert body["service_notice"] is None


def test_a_new_order_has_no_agency_or_due_date_yet(w: World, client: Client) -> None:
    order = w.new_order(area=None)
    [body] = both(client, f"/requests/{order.number}")
    validate(body, "request.json")
    assert body["agency_responsible"] is None and body["expected_datetime"] is None
    assert body["address"] is None and body["lat"] is None
    assert body["status_notes"] == "诉求已受理"


def test_unknown_confidential_and_void_orders_are_404(w: World, client: Client) -> None:
    secret = w.new_order(confidential=True)
    void = w.voided()
    uncategorised = w.new_order(category=None)
    for number in ("2000010100001", secret.number, void.number, uncategorised.number):
        errors_of(client.get(f"{BASE}/requests/{number}.json"), 404)
        errors_of(client.get(f"{BASE}/requests/{number}.xml"), 404)


def test_the_status_follows_the_moves(w: World, client: Client) -> None:
    order = w.replied()
    actions.accept_reply(order, actor=w.dispatcher)
    [body] = both(client, f"/requests/{order.number}")
    assert body["status"] == "open" and body["status_notes"] == "办理结果已审核，等待回访"
