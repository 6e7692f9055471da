from __future__ import annotations

import pytest
from django.utils import timezone

from civicdesk.notifications.models import OutboxMessage
from civicdesk.orders import actions
from civicdesk.orders.errors import ConflictError, InvalidInput
from civicdesk.orders.models import OrderEvent, WorkOrder
from civicdesk.orders.workflow import State
from tests.world import World


def test_it_bumps_the_version_on_every_move(w: World) -> None:
    order = w.new_order()
    versions = [order.version]
    order = actions.dispatch(order, actor=w.dispatcher, lead_unit=w.dept_a)
    versions.append(order.version)
    order = actions.supervise(order, actor=w.supervisor, note="催办")  # no state change, still a move
    versions.append(order.version)

    assert versions == [1, 2, 3]


def test_it_refuses_a_move_made_on_a_stale_view_and_writes_nothing(w: World) -> None:
    order = w.dispatched()
    seen = order.version
    # Someone else acts first: the hub re-dispatches while the handler's page is open.
    actions.redispatch(order.pk, actor=w.dispatcher, lead_unit=w.dept_b, reason="改派")
    events, outbox = OrderEvent.objects.count(), OutboxMessage.objects.count()

    with pytest.raises(ConflictError) as caught:
        actions.sign_for(order.pk, actor=w.handler_b, expected_version=seen)

    # It says who acted, with what and when (the order's latest event).
    last = OrderEvent.objects.filter(order=order).order_by("-seq").first()
    assert last is not None
    when = timezone.localtime(last.at).strftime("%H:%M")
    assert caught.value.message == (
        f"工单 {order.number} 刚被 {w.hub.name} {w.dispatcher.display_name} 于 {when} 处理过"
        "（改派，当前状态：已派单），请查看最新情况后再操作。"
    )
    assert (OrderEvent.objects.count(), OutboxMessage.objects.count()) == (events, outbox)
    fresh = WorkOrder.objects.get(pk=order.pk)
    assert fresh.state == State.DISPATCHED
    assert fresh.signed_at is None


def test_it_accepts_the_move_with_the_current_version(w: World) -> None:
    order = w.dispatched()

    order = actions.sign_for(order.pk, actor=w.handler_a, expected_version=order.version)

    assert order.state == State.SIGNED


@pytest.mark.parametrize("action", ["reply", "accept_reply", "request_extension", "merge", "supplement"])
def test_it_checks_the_version_on_every_kind_of_move(w: World, action: str) -> None:
    order = w.replied() if action == "accept_reply" else w.signed()
    stale = order.version - 1
    calls = {
        "reply": lambda: actions.reply(
            order, actor=w.handler_a, result="solved", text="已修复。", expected_version=stale
        ),
        "accept_reply": lambda: actions.accept_reply(order, actor=w.dispatcher, expected_version=stale),
        "request_extension": lambda: actions.request_extension(
            order, actor=w.handler_a, days=2, reason="需协调", expected_version=stale
        ),
        "merge": lambda: actions.merge(order, actor=w.dispatcher, into=parent, expected_version=stale),
        "supplement": lambda: actions.supplement(order, actor=w.operator, text="补充", expected_version=stale),
    }
    parent = w.new_order(title="主单")
    before = (OrderEvent.objects.count(), WorkOrder.objects.values().get(pk=order.pk))

    with pytest.raises(ConflictError):
        calls[action]()

    assert (OrderEvent.objects.count(), WorkOrder.objects.values().get(pk=order.pk)) == before


def test_it_reports_a_missing_order(w: World) -> None:
    with pytest.raises(InvalidInput) as caught:
        actions.sign_for(999_999, actor=w.handler_a)

    assert caught.value.message == "工单不存在。"
