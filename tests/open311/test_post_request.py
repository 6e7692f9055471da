from __future__ import annotations

import json
from decimal import Decimal
from xml.etree import ElementTree as ET

from django.test import Client

from civicdesk.open311.models import ServiceAttribute, Submission
from civicdesk.orders import queues
from civicdesk.orders.models import WorkOrder
from tests.open311.conftest import Api
from tests.open311.helpers import BASE, both, validate, validate_swagger
from tests.world import World

FIELDS = {
    "service_code": "c-cj-dl-ph",
    "lat": "37.165432",
    "long": "122.486512",
    "address_string": "人民路与成山大道交叉口",
    "description": "人民路交叉口南侧路面塌陷，雨天积水。",
    "attribute[size]": "large",
    "attribute[depth]": "15",
    "attribute[hazards][]": ["water", "night"],
    "attribute[seen_at]": "2026-03-01T08:00:00+08:00",
    "media_url": "https://example.org/photos/1.jpg",
    "first_name": "建国",
    "last_name": "王",
    "phone": "13900002222",
    "email": "wang@example.org",
    "device_id": "device-1",
    "account_id": "acct-7",
}


def test_it_creates_an_order_that_lands_on_the_dispatch_board(
    w: World, api: Api, attributes: list[ServiceAttribute]
) -> None:
    response = api.post(**FIELDS)
    assert response.status_code == 200, response.content
    body = json.loads(response.content)
    validate_swagger(body, "RequestResponse")
    [created] = body
    assert set(created) == {"service_request_id", "service_notice", "account_id"}
    assert isinstance(created["service_request_id"], str)
    assert created["account_id"] == "acct-7"
    assert created["service_request_id"] in created["service_notice"]

    order = WorkOrder.objects.get(number=created["service_request_id"])
    assert order.channel == "api"
    assert order.owner == api.client.user
    assert order.hub == w.hub
    assert order.category == w.cat_potholes
    assert order.state == "pending_dispatch"
    assert order.latitude == Decimal("37.165432") and order.longitude == Decimal("122.486512")
    assert order.address == "人民路与成山大道交叉口"
    assert order.citizen_phone == "13900002222"
    assert "坑洼大小：一米以上" in order.content and "危险情况：积水、夜间无照明" in order.content
    assert [e.action for e in order.events.order_by("seq")] == ["create", "send_to_hub"]
    # The dispatcher finds it on her board, like any phone call sent to the hub.
    assert order in queues.pending_dispatch(w.dispatcher)

    submission = Submission.objects.get(order=order)
    assert submission.client == api.client
    assert submission.media_url == "https://example.org/photos/1.jpg"
    assert submission.attributes == {
        "size": "large",
        "depth": "15",
        "hazards": ["water", "night"],
        "seen_at": "2026-03-01T08:00:00+08:00",
    }
    assert submission.email == "wang@example.org" and submission.account_id == "acct-7"
    # The history keeps what the channel brought, on the order's first event.
    creation = order.events.get(action="create")
    assert creation.data["intake"]["attributes"] == submission.attributes
    assert creation.data["intake"]["media_url"] == "https://example.org/photos/1.jpg"


def test_the_new_request_can_be_read_back(w: World, api: Api, client: Client) -> None:
    response = api.post(
        service_code="c-hj-zs",
        address_string="北山社区广场",
        description="夜间广场舞噪音扰民",
        media_url="https://example.org/p.jpg",
    )
    number = json.loads(response.content)[0]["service_request_id"]
    body = both(client, f"/requests/{number}")
    validate(body, "requests.json")
    [request] = body
    assert request["service_request_id"] == number
    assert request["status"] == "open"
    assert request["service_code"] == "c-hj-zs"
    assert request["media_url"] == "https://example.org/p.jpg"
    assert request["status_notes"] == "已提交受理中心，等待派单"


def test_it_answers_in_xml_and_takes_address_id_as_an_area(
    w: World, api: Api, attributes: list[ServiceAttribute]
) -> None:
    response = api.post("xml", service_code="c-cj-dl-ph", address_id="a-yt-bs", **{"attribute[size]": "small"})
    assert response.status_code == 200, response.content
    root = ET.fromstring(response.content)
    assert root.tag == "service_requests"
    number = root.findtext("request/service_request_id")
    assert root.find("request/account_id") is not None
    order = WorkOrder.objects.get(number=number)
    assert order.area == w.area_village
    assert order.content.startswith("路面破损")  # no description: the service name stands in


def test_clients_need_no_csrf_token(w: World, api: Api) -> None:
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(
        f"{BASE}/requests.json", {"api_key": api.key, "service_code": "c-hj-zs", "address_string": "北山社区"}
    )
    assert response.status_code == 200, response.content
