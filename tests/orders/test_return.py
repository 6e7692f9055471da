from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from civicdesk.orders import actions
from civicdesk.orders.errors import InvalidInput
from civicdesk.orders.models import Assignment
from civicdesk.orders.workflow import State
from tests.world import World

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_it_asks_the_hub_to_take_the_order_back(w: World) -> None:
    order = actions.request_return(
        w.signed(), actor=w.handler_a, reason="该路段属街道管养", legal_basis="《城市道路管理条例》第二十条"
    )

    order.refresh_from_db()
    assert order.state == State.RETURN_REQUESTED
    assert order.lead_unit == w.dept_a
    event = order.events.last()
    assert (event.action, event.from_state, event.to_state) == ("request_return", State.SIGNED, State.RETURN_REQUESTED)
    assert event.note == "该路段属街道管养"
    assert event.data == {"legal_basis": "《城市道路管理条例》第二十条", "unit": w.dept_a.pk}


def test_it_needs_a_reason(w: World) -> None:
    order = w.signed()

    with pytest.raises(InvalidInput) as caught:
        actions.request_return(order, actor=w.handler_a, reason="")

    assert caught.value.fields == {"reason": "请填写退单理由。"}
    order.refresh_from_db()
    assert order.state == State.SIGNED


def test_it_refuses_a_return_after_the_return_limit(w: World) -> None:
    # Dispatched Monday 2 March 2026 09:00; two working days to return: Wednesday 09:00.
    with time_machine.travel(datetime(2026, 3, 2, 9, 0, tzinfo=SHANGHAI), tick=False):
        order = w.signed()
    with time_machine.travel(datetime(2026, 3, 4, 8, 59, tzinfo=SHANGHAI), tick=False):
        in_time = actions.request_return(w.signed(), actor=w.handler_a, reason="不属本单位")
    with (
        time_machine.travel(datetime(2026, 3, 4, 9, 1, tzinfo=SHANGHAI), tick=False),
        pytest.raises(InvalidInput) as caught,
    ):
        actions.request_return(order, actor=w.handler_a, reason="不属本单位")

    assert in_time.state == State.RETURN_REQUESTED
    assert caught.value.message == "已超过退单时限（2026-03-04 09:00），请按时办理或申请延期。"
    order.refresh_from_db()
    assert order.state == State.SIGNED


def test_it_puts_an_approved_return_back_in_the_dispatch_queue(w: World) -> None:
    order = actions.approve_return(w.return_requested(), actor=w.dispatcher, note="同意，重新研判")

    order.refresh_from_db()
    assert order.state == State.PENDING_DISPATCH
    assert order.lead_unit is None
    assert order.return_count == 1
    assignment = Assignment.objects.get(order=order)
    assert (assignment.active, assignment.end_reason) == (False, "returned")
    event = order.events.last()
    assert (event.action, event.to_state) == ("approve_return", State.PENDING_DISPATCH)
    assert event.data["returned_from"] == w.dept_a.pk


def test_it_can_send_an_approved_return_straight_to_the_right_unit(w: World) -> None:
    order = actions.approve_return(w.return_requested(), actor=w.dispatcher, new_lead_unit=w.town)

    order.refresh_from_db()
    assert order.state == State.DISPATCHED
    assert order.lead_unit == w.town
    assert order.return_count == 1
    assert set(Assignment.objects.filter(order=order).values_list("unit_id", "active", "end_reason")) == {
        (w.dept_a.pk, False, "returned"),
        (w.town.pk, True, ""),
    }


def test_it_will_not_send_a_return_back_to_the_unit_that_returned_it(w: World) -> None:
    order = w.return_requested()

    with pytest.raises(InvalidInput) as caught:
        actions.approve_return(order, actor=w.dispatcher, new_lead_unit=w.dept_a)

    assert caught.value.message == "不能改派回退单的单位。"
    order.refresh_from_db()
    assert order.state == State.RETURN_REQUESTED
    assert order.return_count == 0


@pytest.mark.parametrize("signed", [True, False])
def test_it_sends_a_refused_return_back_to_where_it_was(w: World, signed: bool) -> None:
    order = w.signed() if signed else w.dispatched()
    order = actions.request_return(order, actor=w.handler_a, reason="不属本单位")

    order = actions.refuse_return(order, actor=w.dispatcher, reason="属本单位职责，请办理")

    order.refresh_from_db()
    assert order.state == (State.SIGNED if signed else State.DISPATCHED)
    assert order.lead_unit == w.dept_a
    assert order.return_count == 0
    assert order.resume_state == ""
    assert order.events.last().note == "属本单位职责，请办理"


def test_it_needs_a_reason_to_refuse(w: World) -> None:
    order = w.return_requested()

    with pytest.raises(InvalidInput) as caught:
        actions.refuse_return(order, actor=w.dispatcher, reason="")

    assert caught.value.fields == {"reason": "请填写驳回理由。"}
