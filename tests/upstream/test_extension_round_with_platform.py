"""An extension that would run past what the upstream platform's deadline leaves us is the
platform's to decide: the order waits in 延期审核中, the hub cannot decide it, the platform
hears the ask (needs_approval), and its answer through its door grants or refuses it — once,
however often it is delivered."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from civicdesk.notifications.delivery import deliver_outbox
from civicdesk.orders import actions
from civicdesk.orders.errors import PermissionDenied
from civicdesk.orders.models import OrderEvent, WorkOrder
from civicdesk.orders.moves import available_moves
from civicdesk.upstream.ingest import ingest
from civicdesk.upstream.models import UpstreamPlatform
from tests.upstream.conftest import upstream_due
from tests.upstream.mock_upstream import MockUpstream
from tests.world import World

pytestmark = pytest.mark.django_db
UPSTREAM_ID = "MX-2026-0077"


def _asked(w: World, platform: UpstreamPlatform) -> WorkOrder:
    data = {"upstream_id": UPSTREAM_ID, "title": "村道破损", "content": "村道破损严重，雨天无法通行。"}
    # Three days: the unit's deadline is already capped by it, so any extension passes it.
    order = ingest(platform, {**data, "due_at": upstream_due(3).isoformat()}).order
    order = actions.dispatch(order, actor=w.dispatcher, lead_unit=w.dept_a)
    order = actions.sign_for(order, actor=w.handler_a)
    return actions.request_extension(order, actor=w.handler_a, days=2, reason="需等待施工队进场")


def _answer(platform: UpstreamPlatform, kind: str, key: str, token: str | None = None) -> tuple[int, dict]:
    body = {"idempotency_key": key, "upstream_id": UPSTREAM_ID, "kind": kind, "note": "平台意见"}
    answer = Client().post(
        f"/upstream/{platform.code}/answers/",
        json.dumps(body),
        content_type="application/json",
        headers={"X-Upstream-Token": token or platform.inbound_token},
    )
    return answer.status_code, answer.json()


def test_the_hub_cannot_decide_and_the_platform_hears_the_ask(
    w: World, platform: UpstreamPlatform, mock: MockUpstream
) -> None:
    order = _asked(w, platform)

    assert order.state == "extension_requested" and order.awaiting_upper
    assert "approve_extension" not in available_moves(w.dispatcher, order)
    with pytest.raises(PermissionDenied):
        actions.approve_extension(order, actor=w.dispatcher)
    deliver_outbox()
    asked = next(r for r in mock.applied.values() if r["kind"] == "extension_asked")
    assert asked["needs_approval"] is True and asked["days"] == 2


def test_the_platforms_approval_moves_the_deadline_once(w: World, platform: UpstreamPlatform) -> None:
    before = _asked(w, platform).handle_due_at
    assert before is not None

    assert _answer(platform, "extension_approved", "mx-answer-1")[0] == 200
    again = _answer(platform, "extension_approved", "mx-answer-1")

    order = WorkOrder.objects.get(upstream_id=UPSTREAM_ID)
    assert order.state == "signed" and not order.awaiting_upper
    assert order.handle_due_at is not None and order.handle_due_at > before
    assert again == (200, {"number": order.number, "code": 0, "replayed": True})
    assert OrderEvent.objects.filter(order=order, action="approve_extension").count() == 1


def test_the_platforms_refusal_keeps_the_deadline(w: World, platform: UpstreamPlatform) -> None:
    before = _asked(w, platform).handle_due_at

    assert _answer(platform, "extension_refused", "mx-answer-2")[0] == 200

    order = WorkOrder.objects.get(upstream_id=UPSTREAM_ID)
    assert order.state == "signed" and order.handle_due_at == before
    refused = OrderEvent.objects.get(order=order, action="refuse_extension")
    assert refused.actor is None and refused.note == "平台意见"


def test_an_answer_without_the_platforms_token_changes_nothing(w: World, platform: UpstreamPlatform) -> None:
    _asked(w, platform)

    assert _answer(platform, "extension_approved", "mx-answer-3", token="guess")[0] == 401
    assert WorkOrder.objects.get(upstream_id=UPSTREAM_ID).state == "extension_requested"
