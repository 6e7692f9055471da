"""The hub pair's callback setting holds for a county on its own installation too: when the
pair leaves the callback to the upper hub, the county's reply waits upstairs for the upper
hub's callback agents, the county does not call (its queue does not show the order, its
agents cannot record one), and the upper hub's callback goes down and closes — or reworks —
the county's copy. Never both, never neither."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from civicdesk.notifications.delivery import deliver_outbox
from civicdesk.notifications.models import Medium, OutboxMessage
from civicdesk.orders import actions, queues
from civicdesk.orders.errors import PermissionDenied
from civicdesk.orders.models import WorkOrder
from civicdesk.org.models import CallbackBy, HubLink
from civicdesk.upstream.ingest import ingest
from civicdesk.upstream.models import RemoteHub, UpstreamPlatform
from tests.upstream.conftest import upstream_due
from tests.upstream.mock_upstream import MockUpstream
from tests.world import World

pytestmark = pytest.mark.django_db


def _report(county: RemoteHub, order: WorkOrder, key: str, kind: str, **fields: object) -> int:
    body = {"idempotency_key": key, "upstream_id": order.number, "kind": kind, **fields}
    answer = Client().post(
        f"/upstream/hubs/{county.unit.code}/reports/",
        json.dumps(body),
        content_type="application/json",
        headers={"Authorization": f"Bearer {county.report_token}"},
    )
    return answer.status_code


def test_the_upper_hub_calls_back_and_its_callback_goes_down(w: World, county: RemoteHub, mock: MockUpstream) -> None:
    HubLink.objects.create(upper=w.hub, lower=county.unit, callback_by=CallbackBy.UPPER)
    order = actions.hand_down(w.pending(), actor=w.dispatcher, lower_hub=county.unit)
    assert _report(county, order, "k1", "signed") == 200

    assert _report(county, order, "k2", "replied", reply="已更换井盖。", result="solved") == 200
    order.refresh_from_db()
    assert order.state == "awaiting_callback" and order in queues.callback_queue(w.callback_agent)

    actions.record_callback(order, actor=w.callback_agent, solved="solved", satisfaction="satisfied", comment="满意")
    deliver_outbox()

    handed, called = (r for r in mock.received)
    assert handed["body"]["callback_by"] == "upper"
    assert called["path"].endswith("/moves/") and called["body"]["kind"] == "record_callback"
    assert (called["body"]["solved"], called["body"]["satisfaction"], called["body"]["rework"]) == (
        "solved",
        "satisfied",
        False,
    )


def test_when_the_lower_hub_calls_back_nothing_of_the_kind_goes_down(
    w: World, county: RemoteHub, mock: MockUpstream
) -> None:
    order = actions.hand_down(w.pending(), actor=w.dispatcher, lower_hub=county.unit)

    assert _report(county, order, "k2", "replied", reply="已更换井盖。", result="solved") == 200
    order.refresh_from_db()
    deliver_outbox()

    assert order.state == "replied" and order not in queues.callback_queue(w.callback_agent)
    assert [r["body"].get("callback_by") for r in mock.received] == ["lower"]


def _awaiting_the_platforms_callback(w: World, platform: UpstreamPlatform) -> WorkOrder:
    data = {"upstream_id": "2026120600055", "title": "井盖缺失", "content": "人民路口井盖缺失。"}
    order = ingest(platform, {**data, "due_at": upstream_due(10).isoformat(), "callback_by": "upper"}).order
    order = actions.dispatch(order, actor=w.dispatcher, lead_unit=w.dept_a)
    order = actions.sign_for(order, actor=w.handler_a)
    order = actions.reply(order, actor=w.handler_a, result="solved", text="已更换井盖，并设置警示标志。")
    return actions.accept_reply(order, actor=w.dispatcher)


def _callback(platform: UpstreamPlatform, order: WorkOrder, key: str, **said: object) -> int:
    body = {"idempotency_key": key, "upstream_id": order.upstream_id, "kind": "record_callback", **said}
    answer = Client().post(
        f"/upstream/{platform.code}/moves/",
        json.dumps(body),
        content_type="application/json",
        headers={"X-Upstream-Token": platform.inbound_token},
    )
    return answer.status_code


def test_the_county_leaves_the_callback_to_the_level_above(w: World, platform: UpstreamPlatform) -> None:
    order = _awaiting_the_platforms_callback(w, platform)

    assert order.state == "awaiting_callback" and order not in queues.callback_queue(w.callback_agent)
    with pytest.raises(PermissionDenied):
        actions.record_callback(order, actor=w.callback_agent, solved="solved", satisfaction="satisfied")
    with pytest.raises(PermissionDenied):
        actions.close_without_callback(order, actor=w.dispatcher, reason="无法联系")

    said = {"solved": "solved", "satisfaction": "satisfied", "note": "来电人满意"}
    assert _callback(platform, order, "down:N1:12", **said) == 200
    assert _callback(platform, order, "down:N1:12", **said) == 200

    order.refresh_from_db()
    assert order.state == "closed" and order.callback_satisfaction == "satisfied"
    # The level above called back: it is not told of its own callback.
    templates = OutboxMessage.objects.filter(order=order, medium=Medium.UPSTREAM).values_list("template", flat=True)
    assert "upstream:closed" not in set(templates)


def test_an_unsatisfied_citizen_upstairs_sends_the_countys_copy_back_to_its_unit(
    w: World, platform: UpstreamPlatform
) -> None:
    order = _awaiting_the_platforms_callback(w, platform)

    said = {"solved": "unsolved", "satisfaction": "unsatisfied", "rework": True, "note": "井盖仍松动"}
    assert _callback(platform, order, "down:N1:13", **said) == 200

    order.refresh_from_db()
    assert order.state == "rework" and order.lead_unit == w.dept_a
