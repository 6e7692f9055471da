"""When the level above grants an extension past its deadline and says by when it now wants
the result, our order takes that as its upstream deadline; our unit's deadline nests within
it as at intake (the platform's margin before it). The CivicDesk above sends exactly that
when its center approves the county's extension."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest
from django.test import Client

from civicdesk.notifications.delivery import deliver_outbox
from civicdesk.orders import actions
from civicdesk.orders.actions import Report
from civicdesk.orders.models import WorkOrder
from civicdesk.upstream.ingest import ingest
from civicdesk.upstream.models import RemoteHub, UpstreamPlatform
from tests.upstream.conftest import upstream_due
from tests.upstream.mock_upstream import MockUpstream
from tests.world import World

pytestmark = pytest.mark.django_db
UPSTREAM_ID = "2026120600077"


def _asked(w: World, platform: UpstreamPlatform) -> WorkOrder:
    data = {"upstream_id": UPSTREAM_ID, "title": "村道破损", "content": "村道破损严重，雨天无法通行。"}
    order = ingest(platform, {**data, "due_at": upstream_due(3).isoformat()}).order
    order = actions.dispatch(order, actor=w.dispatcher, lead_unit=w.dept_a)
    order = actions.sign_for(order, actor=w.handler_a)
    return actions.request_extension(order, actor=w.handler_a, days=2, reason="需等待施工队进场")


def _approve(platform: UpstreamPlatform, due: datetime | None, key: str = "down:N1:9") -> int:
    body = {"idempotency_key": key, "upstream_id": UPSTREAM_ID, "kind": "extension_approved", "days": 2}
    if due is not None:
        body["due_at"] = due.isoformat()
    answer = Client().post(
        f"/upstream/{platform.code}/answers/",
        json.dumps(body),
        content_type="application/json",
        headers={"X-Upstream-Token": platform.inbound_token},
    )
    return answer.status_code


def test_the_new_deadline_from_above_is_our_upstream_deadline_and_caps_the_unit(
    w: World, platform: UpstreamPlatform
) -> None:
    asked = _asked(w, platform)
    assert asked.upstream_due_at is not None and asked.handle_due_at is not None
    new_due = asked.upstream_due_at + timedelta(days=1)

    assert _approve(platform, new_due) == 200

    order = WorkOrder.objects.get(pk=asked.pk)
    margin = timedelta(hours=platform.margin_hours)
    assert order.state == "signed" and not order.awaiting_upper
    assert order.upstream_due_at == new_due
    assert order.upper_due_at == new_due - margin
    # Two working days asked, one calendar day given above: the unit gets what fits.
    assert order.handle_due_at is not None and asked.handle_due_at < order.handle_due_at <= new_due - margin


def test_an_approval_that_names_no_deadline_keeps_the_upstream_one(w: World, platform: UpstreamPlatform) -> None:
    asked = _asked(w, platform)

    assert _approve(platform, None) == 200

    order = WorkOrder.objects.get(pk=asked.pk)
    assert order.upstream_due_at == asked.upstream_due_at
    assert order.handle_due_at is not None and asked.handle_due_at is not None
    assert order.handle_due_at > asked.handle_due_at


def test_a_deadline_without_its_time_zone_is_refused_and_changes_nothing(w: World, platform: UpstreamPlatform) -> None:
    asked = _asked(w, platform)
    naive = datetime(2030, 3, 10, 17, 0)

    assert _approve(platform, naive) == 400

    order = WorkOrder.objects.get(pk=asked.pk)
    assert order.state == "extension_requested" and order.upstream_due_at == asked.upstream_due_at


def test_the_center_above_sends_the_county_its_new_deadline_with_the_approval(
    w: World, county: RemoteHub, mock: MockUpstream
) -> None:
    order = actions.hand_down(w.pending(), actor=w.dispatcher, lower_hub=county.unit)
    order = actions.remote_progress(order, actor=None, report=Report(key="k1", kind="signed"))
    ask = Report(key="k2", kind="extension_asked", days=2, needs_approval=True)
    order = actions.remote_progress(order, actor=None, report=ask)

    order = actions.approve_extension(order, actor=w.dispatcher, days=2)
    deliver_outbox()

    answer = [r["body"] for r in mock.received if r["path"].endswith("/answers/")][-1]
    assert order.upper_due_at is not None
    assert answer["kind"] == "extension_approved" and answer["due_at"] == order.upper_due_at.isoformat()
