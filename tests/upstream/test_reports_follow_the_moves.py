"""Every upstream-relevant move of an order from 民心网 is reported back, in order, once,
with the platform's status codes and an idempotency key; other moves and other orders are not."""

from __future__ import annotations

import pytest

from civicdesk.notifications.delivery import deliver_outbox
from civicdesk.notifications.models import DeliveryStatus, Medium, OutboxMessage
from civicdesk.orders import actions
from civicdesk.upstream.ingest import ingest
from civicdesk.upstream.models import UpstreamPlatform
from tests.upstream.conftest import upstream_due
from tests.upstream.mock_upstream import MockUpstream
from tests.world import World

pytestmark = pytest.mark.django_db


def _through_to_close(w: World, platform: UpstreamPlatform) -> str:
    order = ingest(
        platform,
        {
            "upstream_id": "MX-2026-0001",
            "title": "果子卖不出去",
            "content": "果农反映苹果滞销。",
            # Far enough out that one more day stays within it: the hub decides the extension.
            "due_at": upstream_due(30).isoformat(),
        },
    ).order
    order = actions.dispatch(order, actor=w.dispatcher, lead_unit=w.dept_a)
    order = actions.sign_for(order, actor=w.handler_a)
    order = actions.request_extension(order, actor=w.handler_a, days=1, reason="需联系收购商")
    order = actions.approve_extension(order, actor=w.dispatcher)
    order = actions.reply(order, actor=w.handler_a, result="solved", text="已联系收购商上门收购。")
    order = actions.accept_reply(order, actor=w.dispatcher)
    order = actions.record_callback(order, actor=w.callback_agent, solved="solved", satisfaction="satisfied")
    return order.number


def test_each_relevant_move_reaches_the_platform_once_in_order(
    w: World, platform: UpstreamPlatform, mock: MockUpstream
) -> None:
    number = _through_to_close(w, platform)

    deliver_outbox()

    assert mock.kinds() == ["accepted", "signed", "extension_asked", "replied", "closed"]
    assert len(mock.received) == 5
    closed = list(mock.applied.values())[-1]
    assert closed["status"] == "70" and closed["upstream_id"] == "MX-2026-0001"
    assert closed["reply"] == "已联系收购商上门收购。" and closed["order_number"] == number
    assert mock.received[0]["auth"] == "Bearer up-token"
    keys = [r["key"] for r in mock.received]
    assert len(set(keys)) == 5 and all(k.startswith(f"minxin:{number}:") for k in keys)
    assert not OutboxMessage.objects.filter(medium=Medium.UPSTREAM).exclude(status=DeliveryStatus.SENT).exists()
    deliver_outbox()
    assert len(mock.received) == 5  # nothing sent twice


def test_only_the_kinds_the_platform_names_are_reported_with_its_field_names(
    w: World, platform: UpstreamPlatform, mock: MockUpstream
) -> None:
    platform.status_codes = {"accepted": "A1", "closed": "Z9"}
    platform.field_names = {"upstream_id": "caseNo", "status": "state"}
    platform.save()

    _through_to_close(w, platform)
    deliver_outbox()

    assert [r["body"]["state"] for r in mock.received] == ["A1", "Z9"]
    assert mock.received[0]["body"]["caseNo"] == "MX-2026-0001" and "upstream_id" not in mock.received[0]["body"]


def test_orders_of_our_own_are_never_reported(w: World, platform: UpstreamPlatform, mock: MockUpstream) -> None:
    order = actions.dispatch(w.pending(), actor=w.dispatcher, lead_unit=w.dept_a)
    actions.sign_for(order, actor=w.handler_a)

    deliver_outbox()

    assert mock.received == []
    assert not OutboxMessage.objects.filter(medium=Medium.UPSTREAM).exists()
