"""The hub voids an order that is already with a unit (a duplicate entered twice, a call
made in error): with a reason, and the units holding it are told to stop."""

from __future__ import annotations

import pytest

from civicdesk.notifications.models import OutboxMessage
from civicdesk.orders import actions
from civicdesk.orders.errors import InvalidInput, InvalidTransition, PermissionDenied
from civicdesk.orders.models import Assignment, OrderEvent
from civicdesk.orders.workflow import State
from tests.world import World


@pytest.mark.parametrize("state", ["dispatched", "signed", "return_requested", "suspended", "rework"])
def test_the_hub_voids_an_order_a_unit_holds(w: World, state: str) -> None:
    order = w.in_state(state)

    order = actions.void(order, actor=w.dispatcher, reason="同一来电重复录入，保留 2026 号工单")

    assert order.state == State.VOID
    assert order.void_reason == "同一来电重复录入，保留 2026 号工单"
    assert order.resume_state == ""
    assert not Assignment.objects.filter(order=order, active=True).exists()
    event = OrderEvent.objects.get(order=order, action="void")
    assert event.data == {"units": [w.dept_a.pk]}


def test_the_units_that_held_it_are_notified_with_the_reason(w: World) -> None:
    order = actions.dispatch(w.new_order(), actor=w.dispatcher, lead_unit=w.dept_a, assisting_units=[w.dept_b])

    actions.void(order, actor=w.dispatcher, reason="重复录入")

    event = OrderEvent.objects.get(order=order, action="void")
    told = OutboxMessage.objects.filter(event=event, medium="inbox")
    assert {"handler_a", "head_a", "handler_b"} <= set(told.values_list("user__username", flat=True))
    assert all("作废" in m.text and "重复录入" in m.text for m in told)
    # The citizen gets no SMS for a voided order.
    assert not OutboxMessage.objects.filter(event=event, medium="sms").exists()


def test_a_void_before_dispatch_names_no_units(w: World) -> None:
    order = actions.void(w.new_order(), actor=w.dispatcher, reason="骚扰电话")

    assert OrderEvent.objects.get(order=order, action="void").data == {}


def test_a_reason_is_required(w: World) -> None:
    order = w.signed()
    with pytest.raises(InvalidInput):
        actions.void(order, actor=w.dispatcher, reason="")
    order.refresh_from_db()
    assert order.state == State.SIGNED


@pytest.mark.parametrize("state", ["replied", "awaiting_callback", "closed"])
def test_a_replied_order_is_not_voided(w: World, state: str) -> None:
    with pytest.raises(InvalidTransition):
        actions.void(w.in_state(state), actor=w.dispatcher, reason="重复")


def test_the_unit_cannot_void_it(w: World) -> None:
    with pytest.raises(PermissionDenied):
        actions.void(w.signed(), actor=w.handler_a, reason="不想办")
