from __future__ import annotations

import pytest

from civicdesk.orders import actions
from civicdesk.orders.errors import InvalidInput, PermissionDenied
from civicdesk.orders.models import Assignment, WorkOrder
from civicdesk.orders.workflow import State
from tests.world import World


def _signed_by_town(w: World) -> WorkOrder:
    order = actions.dispatch(w.new_order(area=w.area_village), actor=w.dispatcher, lead_unit=w.town)
    return actions.sign_for(order, actor=w.town_handler)


def test_it_passes_the_order_down_to_the_village(w: World) -> None:
    order = _signed_by_town(w)
    due = (order.sign_due_at, order.handle_due_at, order.return_due_at)

    order = actions.sub_dispatch(order, actor=w.town_handler, sub_unit=w.village, note="请社区现场核实")

    order.refresh_from_db()
    assert order.state == State.DISPATCHED
    assert order.lead_unit == w.village
    assert order.signed_at is None
    # The town stays accountable for the time it was given.
    assert (order.sign_due_at, order.handle_due_at, order.return_due_at) == due
    town, village = Assignment.objects.filter(order=order).order_by("pk")
    assert (town.unit, town.active, town.end_reason) == (w.town, False, "sub_dispatched")
    assert (village.unit, village.active, village.parent) == (w.village, True, town)
    event = order.events.last()
    assert (event.action, event.from_state, event.to_state) == ("sub_dispatch", State.SIGNED, State.DISPATCHED)
    assert event.data == {"from_unit": w.town.pk, "to_unit": w.village.pk}


def test_it_lets_the_village_sign_and_reply(w: World) -> None:
    order = actions.sub_dispatch(_signed_by_town(w), actor=w.town_handler, sub_unit=w.village)

    order = actions.sign_for(order, actor=w.village_handler)
    order = actions.reply(order, actor=w.village_handler, result="solved", text="社区已组织修补。")

    assert order.state == State.REPLIED
    assert order.events.last().acting_unit == w.village


def test_it_keeps_the_town_able_to_act_for_its_village(w: World) -> None:
    order = actions.sub_dispatch(_signed_by_town(w), actor=w.town_handler, sub_unit=w.village)

    order = actions.sign_for(order, actor=w.town_head)

    assert order.state == State.SIGNED


def test_it_does_not_count_a_pass_down_as_a_redispatch(w: World) -> None:
    order = actions.sub_dispatch(_signed_by_town(w), actor=w.town_handler, sub_unit=w.village)

    order.refresh_from_db()
    assert (order.redispatch_count, order.bounce_count, order.return_count) == (0, 0, 0)


def test_it_only_passes_down_to_a_unit_below(w: World) -> None:
    order = _signed_by_town(w)

    for target in (w.dept_b, w.town):
        with pytest.raises(InvalidInput) as caught:
            actions.sub_dispatch(order, actor=w.town_handler, sub_unit=target)
        assert caught.value.fields == {"sub_unit": "只能下派给 崖头街道办事处 的下级单位。"}
    order.refresh_from_db()
    assert order.lead_unit == w.town
    assert order.state == State.SIGNED


def test_it_refuses_a_stopped_sub_unit(w: World) -> None:
    order = _signed_by_town(w)
    w.village.active = False
    w.village.save()

    with pytest.raises(InvalidInput):
        actions.sub_dispatch(order, actor=w.town_handler, sub_unit=w.village)
    assert Assignment.objects.filter(order=order).count() == 1


def test_it_does_not_let_the_village_pass_down_for_the_town(w: World) -> None:
    order = _signed_by_town(w)

    with pytest.raises(PermissionDenied):
        actions.sub_dispatch(order, actor=w.village_handler, sub_unit=w.village)
