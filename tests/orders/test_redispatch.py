from __future__ import annotations

import pytest

from civicdesk.orders import actions
from civicdesk.orders.errors import InvalidInput
from civicdesk.orders.models import Assignment
from civicdesk.orders.workflow import State
from tests.world import World


def test_it_moves_a_signed_order_to_another_unit(w: World) -> None:
    order = w.signed()

    order = actions.redispatch(order, actor=w.dispatcher, lead_unit=w.dept_b, reason="属市场监管职责")

    order.refresh_from_db()
    assert order.state == State.DISPATCHED
    assert order.lead_unit == w.dept_b
    assert order.signed_at is None
    assert order.redispatch_count == 1
    old, new = Assignment.objects.filter(order=order).order_by("pk")
    assert (old.unit, old.active, old.end_reason) == (w.dept_a, False, "redispatched")
    assert old.ended_at is not None
    assert (new.unit, new.active) == (w.dept_b, True)
    event = order.events.last()
    assert (event.action, event.from_state, event.to_state) == ("redispatch", State.SIGNED, State.DISPATCHED)
    assert event.note == "属市场监管职责"


def test_it_ends_the_assisting_units_of_the_old_dispatch(w: World) -> None:
    order = w.joint(w.dept_b)

    actions.redispatch(order, actor=w.dispatcher, lead_unit=w.town, assisting_units=[w.dept_c], reason="属地")

    active = set(Assignment.objects.filter(order=order, active=True).values_list("unit_id", "role"))
    assert active == {(w.town.pk, "lead"), (w.dept_c.pk, "assist")}


def test_it_keeps_the_first_dispatch_time_for_the_statistics(w: World) -> None:
    order = w.dispatched()
    first = order.first_dispatched_at

    order = actions.redispatch(order, actor=w.dispatcher, lead_unit=w.dept_b, reason="改派")

    order.refresh_from_db()
    assert order.first_dispatched_at == first
    assert order.dispatched_at >= first


def test_it_refuses_to_send_the_order_where_it_already_is(w: World) -> None:
    order = w.dispatched()

    with pytest.raises(InvalidInput) as caught:
        actions.redispatch(order, actor=w.dispatcher, lead_unit=w.dept_a, reason="改派")

    assert caught.value.fields == {"lead_unit": "工单已在 市住房和城乡建设局 办理。"}
    order.refresh_from_db()
    assert order.redispatch_count == 0
    assert Assignment.objects.filter(order=order).count() == 1


def test_it_needs_a_reason(w: World) -> None:
    order = w.dispatched()

    with pytest.raises(InvalidInput) as caught:
        actions.redispatch(order, actor=w.dispatcher, lead_unit=w.dept_b, reason="")

    assert caught.value.fields == {"reason": "请填写改派原因。"}
    order.refresh_from_db()
    assert order.lead_unit == w.dept_a
