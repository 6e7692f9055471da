"""The upper side of two linked installations: an order handed down to a remote hub (a county
on its own CivicDesk) goes to that system once, through the outbox, with our number and
deadline; that system's reports come back through our door and are recorded once each, only
on orders handed down to it, only with its token; a hand-off it sends back is in our queue again."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from civicdesk.notifications.delivery import deliver_outbox
from civicdesk.notifications.models import DeliveryStatus, Medium, OutboxMessage
from civicdesk.orders import actions
from civicdesk.orders.models import OrderEvent, WorkOrder
from civicdesk.upstream.models import RemoteHub
from tests.upstream.mock_upstream import MockUpstream
from tests.world import World

pytestmark = pytest.mark.django_db


def _report(county: RemoteHub, body: dict[str, object], token: str | None = None) -> int:
    answer = Client().post(
        f"/upstream/hubs/{county.unit.code}/reports/",
        json.dumps(body),
        content_type="application/json",
        headers={"Authorization": f"Bearer {token or county.report_token}"},
    )
    return answer.status_code


def _handed_down(w: World, county: RemoteHub) -> WorkOrder:
    return actions.hand_down(w.pending(), actor=w.dispatcher, lower_hub=county.unit, note="属地办理")


def test_the_order_goes_to_the_county_system_once_with_our_number_and_deadline(
    w: World, county: RemoteHub, mock: MockUpstream
) -> None:
    order = _handed_down(w, county)

    deliver_outbox()
    deliver_outbox()

    assert len(mock.received) == 1
    sent = mock.received[0]["body"]
    assert sent["upstream_id"] == order.number and sent["title"] == order.title
    assert order.upper_due_at is not None and sent["due_at"] == order.upper_due_at.isoformat()
    assert order.state == "pending_dispatch" and order.hub_id == county.unit_id


def test_each_report_is_recorded_once(w: World, county: RemoteHub) -> None:
    order = _handed_down(w, county)
    accepted = {"idempotency_key": "weihai:N1:1", "upstream_id": order.number, "kind": "accepted", "order_number": "N1"}
    signed = {"idempotency_key": "weihai:N1:3", "upstream_id": order.number, "kind": "signed", "unit": "住建局"}

    assert [_report(county, accepted), _report(county, signed), _report(county, signed)] == [200, 200, 200]

    order.refresh_from_db()
    assert order.state == "signed"
    kinds = list(OrderEvent.objects.filter(order=order, action="remote_progress").values_list("data__kind", flat=True))
    assert kinds == ["accepted", "signed"]


def test_only_orders_handed_to_that_hub_and_only_with_its_token(w: World, county: RemoteHub) -> None:
    ours = w.pending()
    handed = _handed_down(w, county)

    assert _report(county, {"idempotency_key": "k", "upstream_id": ours.number, "kind": "closed"}) == 404
    assert _report(county, {"idempotency_key": "k", "upstream_id": handed.number, "kind": "closed"}, "guess") == 401
    assert not OrderEvent.objects.filter(action="remote_progress").exists()


def test_a_hand_off_the_county_sends_back_is_in_our_queue_again(w: World, county: RemoteHub) -> None:
    order = _handed_down(w, county)
    back = {"idempotency_key": "k9", "upstream_id": order.number, "kind": "returned", "note": "属市级职责"}

    assert _report(county, back) == 200

    order.refresh_from_db()
    assert order.state == "pending_dispatch" and order.hub_id == w.hub.pk and order.upper_hub_id is None
    order = actions.dispatch(order, actor=w.dispatcher, lead_unit=w.dept_a)
    assert order.state == "dispatched"


def test_a_county_system_that_refuses_shows_on_the_admin_page_and_goes_once_resent(
    w: World, county: RemoteHub, mock: MockUpstream
) -> None:
    mock.script = [("status", 400)]
    order = _handed_down(w, county)  # the hand-down goes through whatever the county answers
    deliver_outbox()
    failed = OutboxMessage.objects.get(order=order, medium=Medium.UPSTREAM)
    assert failed.status == DeliveryStatus.FAILED and order.state == "pending_dispatch"
    client = Client()
    client.force_login(w.admin)

    page = client.get("/upstream/").content.decode()
    assert f'data-remote="{county.unit.code}"' in page and f'data-message="{failed.pk}"' in page

    client.post(f"/upstream/{failed.pk}/requeue/")
    deliver_outbox()
    assert len(mock.applied) == 1 and next(iter(mock.applied.values()))["upstream_id"] == order.number


def test_an_extension_the_county_asks_past_our_deadline_is_ours_to_answer_and_the_answer_goes_down(
    w: World, county: RemoteHub, mock: MockUpstream
) -> None:
    order = _handed_down(w, county)
    signed = {"idempotency_key": "k2", "upstream_id": order.number, "kind": "signed"}
    asked = {
        "idempotency_key": "k3",
        "upstream_id": order.number,
        "kind": "extension_asked",
        "days": 2,
        "needs_approval": True,
        "note": "需等待施工队进场",
    }
    assert [_report(county, signed), _report(county, asked)] == [200, 200]
    order.refresh_from_db()
    assert order.state == "extension_requested" and order.awaiting_upper
    before = order.handle_due_at
    assert before is not None

    order = actions.approve_extension(order, actor=w.dispatcher, days=1)
    deliver_outbox()

    assert order.state == "signed" and order.handle_due_at is not None and order.handle_due_at > before
    answer = [r["body"] for r in mock.received][-1]
    assert answer["kind"] == "extension_approved" and answer["days"] == 1
    assert answer["upstream_id"] == order.number
