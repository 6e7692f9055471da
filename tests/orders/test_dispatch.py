from __future__ import annotations

import pytest

from civicdesk.orders import actions
from civicdesk.orders.errors import InvalidInput, PermissionDenied
from civicdesk.orders.models import Assignment, AssignmentRole
from civicdesk.orders.workflow import State
from civicdesk.org.models import OrgUnit, UnitKind
from tests.world import World


def test_it_sends_the_order_to_the_lead_unit(w: World) -> None:
    order = actions.dispatch(w.new_order(), actor=w.dispatcher, lead_unit=w.dept_a, note="请尽快修复")

    order.refresh_from_db()
    assert order.state == State.DISPATCHED
    assert order.lead_unit == w.dept_a
    assert order.dispatched_at is not None
    assert order.first_dispatched_at == order.dispatched_at
    assert order.redispatch_count == 0
    lead = Assignment.objects.get(order=order)
    assert (lead.unit, lead.role, lead.active, lead.signed_at) == (w.dept_a, AssignmentRole.LEAD, True, None)
    event = order.events.last()
    assert (event.action, event.from_state, event.to_state) == ("dispatch", State.RECEIVED, State.DISPATCHED)
    assert event.data["lead_unit"] == w.dept_a.pk
    assert event.data["bounce"] is False
    assert event.note == "请尽快修复"


def test_it_dispatches_from_the_queue(w: World) -> None:
    order = actions.dispatch(w.pending(), actor=w.dispatcher, lead_unit=w.town)

    assert order.state == State.DISPATCHED
    assert order.events.last().from_state == State.PENDING_DISPATCH


def test_it_creates_one_assignment_per_assisting_unit(w: World) -> None:
    order = w.joint(w.dept_b, w.dept_c)

    rows = set(Assignment.objects.filter(order=order, active=True).values_list("unit_id", "role"))
    assert rows == {(w.dept_a.pk, "lead"), (w.dept_b.pk, "assist"), (w.dept_c.pk, "assist")}
    assert order.events.last().data["assisting_units"] == [w.dept_b.pk, w.dept_c.pk]


def test_it_lets_an_operator_dispatch_when_the_center_allows_it(w: World) -> None:
    order = actions.dispatch(w.new_order(), actor=w.operator, lead_unit=w.dept_a)

    assert order.state == State.DISPATCHED


def test_it_refuses_an_operator_when_the_center_keeps_dispatch_to_dispatchers(w: World, settings) -> None:
    settings.CIVICDESK_OPERATOR_MAY_DISPATCH = False
    order = w.new_order()

    with pytest.raises(PermissionDenied) as caught:
        actions.dispatch(order, actor=w.operator, lead_unit=w.dept_a)

    assert caught.value.message == "本中心不允许话务员直接派单，请提交派单员。"
    order.refresh_from_db()
    assert order.state == State.RECEIVED
    assert not Assignment.objects.exists()
    # The dispatcher still may.
    assert actions.dispatch(order, actor=w.dispatcher, lead_unit=w.dept_a).state == State.DISPATCHED


def test_it_refuses_a_stopped_unit(w: World) -> None:
    w.dept_b.active = False
    w.dept_b.save()
    order = w.new_order()

    with pytest.raises(InvalidInput) as caught:
        actions.dispatch(order, actor=w.dispatcher, lead_unit=w.dept_b)

    assert caught.value.fields == {"lead_unit": "市市场监督管理局 已停用。"}
    order.refresh_from_db()
    assert order.state == State.RECEIVED
    assert order.events.count() == 1


def test_it_refuses_units_outside_the_hub_and_the_hub_itself(w: World) -> None:
    elsewhere = OrgUnit.objects.create(name="石岛管理区", code="sd", kind=UnitKind.TOWN)
    order = w.new_order()

    with pytest.raises(InvalidInput) as caught:
        actions.dispatch(order, actor=w.dispatcher, lead_unit=elsewhere)
    assert caught.value.message == "石岛管理区 不是本中心的承办单位。"

    with pytest.raises(InvalidInput) as caught:
        actions.dispatch(order, actor=w.dispatcher, lead_unit=w.hub)
    assert caught.value.message == "荣成市社会治理服务中心 不是本中心的承办单位。"
    assert not Assignment.objects.exists()


def test_it_refuses_a_lead_unit_that_also_assists_and_repeated_assisting_units(w: World) -> None:
    order = w.new_order()

    with pytest.raises(InvalidInput) as caught:
        actions.dispatch(order, actor=w.dispatcher, lead_unit=w.dept_a, assisting_units=[w.dept_a])
    assert caught.value.message == "主办单位不能同时是协办单位。"

    with pytest.raises(InvalidInput) as caught:
        actions.dispatch(order, actor=w.dispatcher, lead_unit=w.dept_a, assisting_units=[w.dept_b, w.dept_b])
    assert caught.value.message == "协办单位有重复。"
    assert not Assignment.objects.exists()
