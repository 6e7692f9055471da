"""The upper side of two linked installations, once the order is with the county's system:
what happens to it here — the citizen urges it again, adds information or withdraws, the
center voids it, a supervisor chases it — goes down to the county's system through the same
outbox as the hand-down (one message per move, its own idempotency key, retried while the
county is down), to the door the county keeps for its upstream platform's moves; the move
here never waits for it."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from civicdesk.notifications.delivery import deliver_outbox
from civicdesk.notifications.models import DeliveryStatus, Medium, OutboxMessage
from civicdesk.orders import actions
from civicdesk.orders.actions import Report
from civicdesk.orders.models import WorkOrder
from civicdesk.orders.moves import available_moves
from civicdesk.upstream.models import RemoteHub
from tests.upstream.mock_upstream import MockUpstream
from tests.world import World

pytestmark = pytest.mark.django_db


def _with_county_unit(w: World, county: RemoteHub) -> WorkOrder:
    """Handed down, and the county's unit has signed for it (its report came back)."""
    order = actions.hand_down(w.pending(), actor=w.dispatcher, lower_hub=county.unit, note="属地办理")
    return actions.remote_progress(order, actor=None, report=Report(key="weihai:N1:3", kind="signed"))


def _moves_sent(mock: MockUpstream) -> list[tuple[str, str, str]]:
    return [(r["path"], r["body"]["kind"], r["body"]["note"]) for r in mock.received if r["path"].endswith("/moves/")]


def test_urge_supplement_supervise_and_void_each_reach_the_county_once(
    w: World, county: RemoteHub, mock: MockUpstream
) -> None:
    order = _with_county_unit(w, county)

    order = actions.urge(order, actor=w.operator, note="来电人第二次来电催促")
    order = actions.supplement(order, actor=w.operator, text="来电人补充：井盖在路口东侧。")
    order = actions.supervise(order, actor=w.supervisor, note="群众反映强烈，请加快办理")
    order = actions.void(order, actor=w.dispatcher, reason="与另一工单重复")
    deliver_outbox()
    deliver_outbox()

    door = "/upstream/weihai/moves/"
    assert _moves_sent(mock) == [
        (door, "urge", "来电人第二次来电催促"),
        (door, "supplement", "来电人补充：井盖在路口东侧。"),
        (door, "supervise", "群众反映强烈，请加快办理"),
        (door, "void", "与另一工单重复"),
    ]
    bodies = [r["body"] for r in mock.received if r["path"] == door]
    assert {b["upstream_id"] for b in bodies} == {order.number}
    # Each its own key, the same on every try: the county applies each once.
    assert len({b["idempotency_key"] for b in bodies}) == 4
    assert all(r["key"] == r["body"]["idempotency_key"] for r in mock.received)
    assert order.state == "void" and order.urge_count == 1 and order.supervision_level == 1


def test_a_citizen_who_withdraws_at_the_upper_hotline_is_withdrawn_at_the_county(
    w: World, county: RemoteHub, mock: MockUpstream
) -> None:
    order = _with_county_unit(w, county)
    assert "withdraw" in available_moves(w.operator, order)

    order = actions.withdraw(order, actor=w.operator, reason="问题已自行解决", via="phone")
    deliver_outbox()

    assert order.state == "withdrawn"
    (sent,) = [r["body"] for r in mock.received if r["path"].endswith("/moves/")]
    assert (sent["kind"], sent["note"], sent["via"]) == ("withdraw", "问题已自行解决", "phone")


def test_the_center_above_voids_an_order_the_county_holds_as_nobody_here_works_at_its_desk(
    w: World, county: RemoteHub
) -> None:
    order = _with_county_unit(w, county)

    assert "void" in available_moves(w.dispatcher, order)
    # Dispatching stays the county's (on its own system): not offered here.
    assert "redispatch" not in available_moves(w.dispatcher, order)


def test_the_move_goes_through_while_the_county_is_down_and_reaches_it_once_it_is_back(
    w: World, county: RemoteHub, mock: MockUpstream
) -> None:
    order = _with_county_unit(w, county)
    deliver_outbox()  # the hand-down reached it
    mock.down()

    order = actions.urge(order, actor=w.operator, note="来电人催促")
    deliver_outbox()

    assert order.urge_count == 1
    waiting = OutboxMessage.objects.get(order=order, medium=Medium.UPSTREAM, template="remote:moves")
    assert waiting.status == DeliveryStatus.PENDING and waiting.attempt_count == 1
    mock.up()
    with time_machine.travel(timezone.now() + timedelta(hours=1), tick=False):
        deliver_outbox()
        deliver_outbox()
    waiting.refresh_from_db()
    assert waiting.status == DeliveryStatus.SENT
    assert [kind for _door, kind, _note in _moves_sent(mock)] == ["urge"]
