from __future__ import annotations

from datetime import timedelta

from django.test import Client
from django.utils import timezone

from civicdesk.orders.models import OrderEvent
from tests.open311.helpers import BASE, assert_same, errors_of, get_json, get_xml
from tests.world import World


def test_it_lists_the_public_updates_in_order(w: World, client: Client) -> None:
    order = w.closed()
    body = get_json(client, "/servicerequestupdates")
    assert_same(body, get_xml(client, "/servicerequestupdates"))
    assert get_xml(client, "/servicerequestupdates").tag == "service_request_updates"
    assert [u["description"] for u in body] == [
        "已派至市住房和城乡建设局办理",
        "承办单位已签收，正在办理",
        "承办单位已答复办理结果，等待中心审核",
        "办理结果已审核，等待回访",
        "已回访，办结",
    ]
    events = {str(e.pk): e for e in OrderEvent.objects.filter(order=order)}
    for update in body:
        assert set(update) == {
            "update_id",
            "service_request_id",
            "status",
            "updated_datetime",
            "description",
            "media_url",
        }
        assert update["service_request_id"] == order.number
        event = events[update["update_id"]]
        assert update["updated_datetime"] == timezone.localtime(event.at).isoformat(timespec="seconds")
    assert [u["status"] for u in body] == ["open", "open", "open", "open", "closed"]


def test_it_filters_by_window_and_hides_unpublished_orders(w: World, client: Client) -> None:
    w.dispatched()
    w.dispatched(confidential=True)
    w.voided()
    later = (timezone.now() + timedelta(hours=1)).isoformat()
    assert len(get_json(client, "/servicerequestupdates")) == 1
    assert get_json(client, "/servicerequestupdates", start_date=later) == []
    errors_of(client.get(f"{BASE}/servicerequestupdates.json", {"start_date": "bad"}), 400)
