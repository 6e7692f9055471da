from __future__ import annotations

import pytest

from civicdesk.notifications.models import OutboxMessage
from civicdesk.orders import actions
from civicdesk.orders.errors import InvalidInput
from civicdesk.orders.workflow import OPEN
from tests.world import World


@pytest.mark.parametrize("state", sorted(OPEN))
def test_it_adds_information_to_an_open_order_without_moving_it(w: World, state: str) -> None:
    order = w.in_state(state)
    version = order.version

    order = actions.supplement(order, actor=w.operator, text="来电人补充：坑洼旁井盖松动。")

    order.refresh_from_db()
    assert order.state == state
    assert order.version == version + 1
    event = order.events.last()
    assert (event.action, event.from_state, event.to_state) == ("supplement", state, state)
    assert event.note == "来电人补充：坑洼旁井盖松动。"


def test_it_takes_a_citizens_supplement_through_the_system(w: World) -> None:
    order = actions.supplement(w.dispatched(), actor=None, text="附近还有一处坑洼。")

    assert order.events.last().actor is None


def test_it_tells_the_unit_holding_the_order(w: World) -> None:
    order = actions.supplement(w.signed(), actor=w.operator, text="附近还有一处坑洼。")

    told = set(OutboxMessage.objects.filter(event=order.events.last()).values_list("user_id", flat=True))
    assert {w.handler_a.pk, w.head_a.pk} <= told


def test_it_needs_the_text(w: World) -> None:
    with pytest.raises(InvalidInput) as caught:
        actions.supplement(w.new_order(), actor=w.operator, text=" ")

    assert caught.value.fields == {"text": "请填写补充内容。"}
