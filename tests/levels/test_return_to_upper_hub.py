"""A wrong hand-off goes back up with a reason; the hub above decides, like a unit's return."""

from __future__ import annotations

import pytest

from civicdesk.notifications.models import OutboxMessage
from civicdesk.orders import actions, queues
from civicdesk.orders.errors import InvalidInput, PermissionDenied
from civicdesk.orders.permissions import can_view
from tests.levels.conftest import Chain

pytestmark = pytest.mark.django_db


def test_the_lower_hub_hands_it_back_and_the_upper_hub_decides(chain: Chain) -> None:
    order = actions.return_to_upper(chain.handed_down(), actor=chain.w.dispatcher, reason="属威海市交通局职责")

    assert order.state == "return_requested" and order.awaiting_upper
    assert order.events.last().note == "属威海市交通局职责"
    assert order in queues.review_queue(chain.pref_dispatcher, "return_requested")
    assert order not in queues.review_queue(chain.w.dispatcher, "return_requested")
    told = OutboxMessage.objects.filter(order=order, event=order.events.last()).values_list("user", flat=True)
    assert chain.pref_dispatcher.pk in told and chain.w.dispatcher.pk not in told
    with pytest.raises(PermissionDenied):
        actions.approve_return(order, actor=chain.w.dispatcher)


def test_an_approved_hand_back_is_back_in_the_upper_queue(chain: Chain) -> None:
    order = actions.return_to_upper(chain.handed_down(), actor=chain.w.dispatcher, reason="属市直部门")

    order = actions.approve_return(order, actor=chain.pref_dispatcher, new_lead_unit=chain.bureau)

    assert order.state == "dispatched" and order.lead_unit == chain.bureau
    assert order.hub == chain.prefecture and order.upper_hub is None and not order.awaiting_upper
    assert order.return_count == 1
    assert not can_view(chain.w.dispatcher, order)


def test_a_refused_hand_back_stays_with_the_lower_hub(chain: Chain) -> None:
    order = actions.return_to_upper(chain.handed_down(), actor=chain.w.dispatcher, reason="不属本市")

    order = actions.refuse_return(order, actor=chain.pref_dispatcher, reason="事发地在荣成")

    assert order.state == "pending_dispatch" and order.hub == chain.county and not order.awaiting_upper
    assert order in queues.pending_dispatch(chain.w.dispatcher)


def test_a_hand_back_needs_a_reason_and_a_hand_down(chain: Chain) -> None:
    with pytest.raises(InvalidInput):
        actions.return_to_upper(chain.handed_down(), actor=chain.w.dispatcher, reason="  ")
    own = actions.send_to_hub(chain.w.new_order(), actor=chain.w.operator)
    with pytest.raises(InvalidInput) as caught:
        actions.return_to_upper(own, actor=chain.w.dispatcher, reason="不归我们")
    assert "不是上级中心下转的" in caught.value.message
