from __future__ import annotations

import pytest

from civicdesk.notifications.models import OutboxMessage
from civicdesk.orders import actions
from civicdesk.orders.errors import InvalidInput
from tests.world import World


@pytest.mark.parametrize("state", ["dispatched", "signed", "suspended", "rework", "replied"])
def test_it_chases_an_order_without_moving_it(w: World, state: str) -> None:
    order = w.in_state(state)

    order = actions.supervise(order, actor=w.supervisor, note="群众反映强烈，请加快办理。")

    order.refresh_from_db()
    assert order.state == state
    assert order.supervision_level == 1
    event = order.events.last()
    assert (event.action, event.from_state, event.to_state) == ("supervise", state, state)
    assert event.data == {"level": 1}


def test_it_raises_the_level_up_to_four(w: World) -> None:
    order = w.signed()

    levels = []
    for _ in range(5):
        order = actions.supervise(order, actor=w.supervisor, note="催办")
        levels.append(order.supervision_level)

    assert levels == [1, 2, 3, 4, 4]


def test_it_tells_the_unit_and_its_heads(w: World) -> None:
    order = actions.supervise(w.signed(), actor=w.supervisor, note="催办")

    told = set(OutboxMessage.objects.filter(event=order.events.last()).values_list("user_id", flat=True))
    assert told == {w.handler_a.pk, w.head_a.pk, w.operator.pk}


def test_it_needs_a_note(w: World) -> None:
    order = w.signed()

    with pytest.raises(InvalidInput) as caught:
        actions.supervise(order, actor=w.supervisor, note="")

    assert caught.value.fields == {"note": "请填写督办意见。"}
    order.refresh_from_db()
    assert order.supervision_level == 0
