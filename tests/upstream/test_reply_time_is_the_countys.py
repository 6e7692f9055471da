"""The reply time of an order handed to the county's installation is when the county's unit
replied, as its report says — not when the report reached us (a report delayed by an outage
must not make an on-time reply late). The county's reports carry that time."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from civicdesk.notifications.delivery import deliver_outbox
from civicdesk.orders import actions
from civicdesk.orders.models import DeadlineStatus, WorkOrder
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


def test_a_reply_reported_after_our_deadline_keeps_the_countys_on_time_reply(w: World, county: RemoteHub) -> None:
    order = actions.hand_down(w.pending(), actor=w.dispatcher, lower_hub=county.unit)
    assert order.handle_due_at is not None
    replied = order.handle_due_at - timedelta(hours=3)
    accepted = order.handle_due_at - timedelta(hours=1)
    reply = {"result": "solved", "reply": "已更换井盖。", "replied_at": replied.isoformat(), "at": accepted.isoformat()}

    # The county was cut off for a day: its report comes after our deadline.
    with time_machine.travel(order.handle_due_at + timedelta(days=1), tick=False):
        assert _report(county, order, "k1", "replied", **reply) == 200
        closed_at = order.handle_due_at + timedelta(hours=2)
        assert _report(county, order, "k2", "closed", **{**reply, "at": closed_at.isoformat()}) == 200

    order.refresh_from_db()
    assert order.replied_at == replied and order.closed_at == closed_at
    assert order.deadline_status() == DeadlineStatus.ON_TIME


def test_a_time_ahead_of_our_clock_is_taken_as_now(w: World, county: RemoteHub) -> None:
    order = actions.hand_down(w.pending(), actor=w.dispatcher, lower_hub=county.unit)
    ahead = timezone.now() + timedelta(days=2)

    assert _report(county, order, "k1", "replied", reply="已处理。", replied_at=ahead.isoformat()) == 200

    order.refresh_from_db()
    assert order.replied_at is not None and order.replied_at < ahead


def test_an_unsatisfied_callback_at_the_county_clears_the_reply_until_the_next(w: World, county: RemoteHub) -> None:
    order = actions.hand_down(w.pending(), actor=w.dispatcher, lower_hub=county.unit)
    first = timezone.now() - timedelta(hours=5)
    second = timezone.now() - timedelta(hours=1)

    assert _report(county, order, "k1", "replied", reply="已处理。", replied_at=first.isoformat()) == 200
    assert _report(county, order, "k2", "called_back", satisfaction="unsatisfied") == 200
    order.refresh_from_db()
    assert order.state == "rework" and order.replied_at is None
    assert _report(county, order, "k3", "replied", reply="已重新处理。", replied_at=second.isoformat()) == 200

    order.refresh_from_db()
    assert order.replied_at == second


def test_the_countys_report_carries_its_units_reply_time(
    w: World, platform: UpstreamPlatform, mock: MockUpstream
) -> None:
    data = {"upstream_id": "2026120600001", "title": "井盖缺失", "content": "人民路口井盖缺失。"}
    order = ingest(platform, {**data, "due_at": upstream_due(10).isoformat()}).order
    order = actions.dispatch(order, actor=w.dispatcher, lead_unit=w.dept_a)
    order = actions.sign_for(order, actor=w.handler_a)
    order = actions.reply(order, actor=w.handler_a, result="solved", text="已更换井盖，并设置警示标志。")
    replied_at = order.replied_at
    assert replied_at is not None
    with time_machine.travel(timezone.now() + timedelta(hours=4), tick=False):
        actions.accept_reply(order, actor=w.dispatcher)
    deliver_outbox()

    sent = next(r["body"] for r in mock.received if r["body"].get("kind") == "replied")
    assert datetime.fromisoformat(sent["replied_at"]) == replied_at
    assert datetime.fromisoformat(sent["at"]) > replied_at + timedelta(hours=3)
