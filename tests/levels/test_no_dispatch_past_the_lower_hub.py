"""A hub runs dispatch for its own subtree (DESIGN §2): the prefecture sends an order to a
unit under the county's center through that center (hand_down), never straight past it."""

from __future__ import annotations

import pytest

from civicdesk.orders import actions
from civicdesk.orders.errors import InvalidInput
from civicdesk.orders.models import WorkOrder
from tests.levels.conftest import Chain

pytestmark = pytest.mark.django_db


def test_the_upper_hub_cannot_dispatch_straight_to_a_unit_under_the_lower_hub(chain: Chain) -> None:
    order = chain.new_order()

    with pytest.raises(InvalidInput) as caught:
        actions.dispatch(order, actor=chain.pref_dispatcher, lead_unit=chain.w.dept_a)
    assert "下级中心" in caught.value.message
    with pytest.raises(InvalidInput):
        actions.dispatch(order, actor=chain.pref_dispatcher, lead_unit=chain.bureau, assisting_units=[chain.w.dept_b])
    assert WorkOrder.objects.get(pk=order.pk).state == "pending_dispatch"


def test_its_own_bureaus_and_the_lower_hub_itself_remain_its_to_send_to(chain: Chain) -> None:
    bureau = actions.dispatch(chain.new_order(), actor=chain.pref_dispatcher, lead_unit=chain.bureau)
    handed = actions.dispatch(chain.new_order(), actor=chain.pref_dispatcher, lead_unit=chain.county)

    assert bureau.state == "dispatched" and bureau.lead_unit == chain.bureau
    assert handed.state == "pending_dispatch" and handed.hub == chain.county
