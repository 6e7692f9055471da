"""A dispatcher can undo an auto-dispatch before the unit signs for it: the order goes
back to the dispatch queue, the unit is told, and the model does not send it again."""

from __future__ import annotations

import pytest
from django.utils import timezone

from civicdesk.notifications.models import OutboxMessage
from civicdesk.orders import actions
from civicdesk.orders.errors import InvalidInput, PermissionDenied
from civicdesk.orders.models import OrderEvent, WorkOrder
from civicdesk.orders.workflow import State
from civicdesk.routing.actions import auto_dispatch, run_auto_dispatch_sweep
from civicdesk.routing.models import AutoDispatchDecision, AutoDispatchSetting, Outcome
from tests.console_hub.helpers import client_for, fresh, text
from tests.routing.helpers import trained_world
from tests.world import World


@pytest.fixture
def auto_order(w: World) -> WorkOrder:
    trained_world(w)
    AutoDispatchSetting.objects.create(category=w.cat_noise, enabled=True, threshold=0.9, updated_at=timezone.now())
    order = w.pending(title="夜间施工噪音", content="工地夜里施工，噪音扰民。", category=w.cat_noise)
    assert auto_dispatch(order.pk).outcome == Outcome.DISPATCHED
    return fresh(order)


def test_the_board_lists_it_and_one_post_undoes_it(w: World, auto_order: WorkOrder) -> None:
    client = client_for(w.dispatcher)
    board = text(client.get("/orders/dispatch/"))
    assert f'id="auto-{auto_order.number}"' in board
    before = OutboxMessage.objects.count()

    response = client.post(
        f"/routing/undo/{auto_order.number}", {"reason": "属于施工许可问题，转人工", "version": auto_order.version}
    )

    assert response.status_code == 302
    order = fresh(auto_order)
    assert (order.state, order.lead_unit) == (State.PENDING_DISPATCH, None)
    event = OrderEvent.objects.filter(order=order).order_by("-seq").first()
    assert (event.action, event.actor, event.note) == ("undo_auto_dispatch", w.dispatcher, "属于施工许可问题，转人工")
    told = set(OutboxMessage.objects.filter(event=event).values_list("user_id", flat=True))
    assert w.handler_c.pk in told  # the unit that had it
    assert OutboxMessage.objects.count() > before
    assert AutoDispatchDecision.objects.get(order=order).outcome == Outcome.UNDONE
    # The model leaves it alone now; the order waits on the board.
    assert run_auto_dispatch_sweep() == 0
    assert auto_dispatch(order.pk) is None
    board = text(client.get("/orders/dispatch/"))
    assert f'id="pending-{order.number}"' in board
    assert "撤销分派模型 v1 的自动派单" in text(client.get(f"/orders/{order.number}/"))


def test_a_hand_made_dispatch_cannot_be_undone_this_way(w: World) -> None:
    order = w.dispatched()
    with pytest.raises(InvalidInput):
        actions.undo_auto_dispatch(order, actor=w.dispatcher, reason="试试")
    assert fresh(order).state == State.DISPATCHED


def test_only_the_hub_may_undo(w: World, auto_order: WorkOrder) -> None:
    with pytest.raises(PermissionDenied):
        actions.undo_auto_dispatch(auto_order, actor=w.handler_c, reason="不想办")
    assert client_for(w.operator).post(f"/routing/undo/{auto_order.number}", {"reason": "x"}).status_code == 403


def test_once_signed_for_it_is_a_redispatch(w: World, auto_order: WorkOrder) -> None:
    actions.sign_for(auto_order, actor=w.handler_c)
    client = client_for(w.dispatcher)
    assert f'id="auto-{auto_order.number}"' not in text(client.get("/orders/dispatch/"))
    client.post(f"/routing/undo/{auto_order.number}", {"reason": "派错了"})
    assert fresh(auto_order).state == State.SIGNED
