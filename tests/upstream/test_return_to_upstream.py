"""A hub hands an order from an upstream platform back to it with the reason (退回上级平台):
it leaves this system, and the platform hears of it once, with the reason. An order of our
own cannot go there."""

from __future__ import annotations

import pytest

from civicdesk.notifications.delivery import deliver_outbox
from civicdesk.orders import actions
from civicdesk.orders.errors import InvalidInput
from civicdesk.orders.moves import available_moves
from civicdesk.upstream.ingest import ingest
from civicdesk.upstream.models import UpstreamPlatform
from tests.upstream.conftest import upstream_due
from tests.upstream.mock_upstream import MockUpstream
from tests.world import World

pytestmark = pytest.mark.django_db


def test_a_wrong_hand_off_goes_back_to_the_platform_with_the_reason(
    w: World, platform: UpstreamPlatform, mock: MockUpstream
) -> None:
    data = {"upstream_id": "MX-2026-0042", "title": "外省企业欠薪", "content": "外省某企业拖欠工资。"}
    order = ingest(platform, {**data, "due_at": upstream_due().isoformat()}).order
    assert "return_to_upstream" in available_moves(w.dispatcher, order)

    order = actions.return_to_upstream(order, actor=w.dispatcher, reason="涉事企业不在本市辖区")
    deliver_outbox()
    deliver_outbox()

    assert order.state == "transferred" and order.closed_at is not None
    assert mock.kinds() == ["accepted", "returned"]
    returned = list(mock.applied.values())[-1]
    assert returned["status"] == "30" and returned["note"] == "涉事企业不在本市辖区"
    assert returned["upstream_id"] == "MX-2026-0042"


def test_an_order_of_our_own_cannot_go_to_a_platform(w: World) -> None:
    order = w.pending()

    assert "return_to_upstream" not in available_moves(w.dispatcher, order)
    with pytest.raises(InvalidInput):
        actions.return_to_upstream(order, actor=w.dispatcher, reason="不属本市")
