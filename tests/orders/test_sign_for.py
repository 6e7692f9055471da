from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import time_machine

from civicdesk.orders import actions
from civicdesk.orders.models import Assignment
from civicdesk.orders.workflow import State
from tests.world import World

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_it_marks_the_order_and_the_lead_assignment_signed(w: World) -> None:
    order = actions.sign_for(w.dispatched(), actor=w.handler_a)

    order.refresh_from_db()
    assert order.state == State.SIGNED
    assert order.signed_at is not None
    assert Assignment.objects.get(order=order).signed_at == order.signed_at
    event = order.events.last()
    assert (event.action, event.from_state, event.to_state) == ("sign", State.DISPATCHED, State.SIGNED)
    assert event.acting_unit == w.dept_a


def test_it_lets_the_unit_head_sign(w: World) -> None:
    assert actions.sign_for(w.dispatched(), actor=w.head_a).state == State.SIGNED


def test_it_records_whether_signing_was_within_the_limit(w: World) -> None:
    # Monday 2 March 2026, 09:00: two working hours to sign, due 11:00.
    with time_machine.travel(datetime(2026, 3, 2, 9, 0, tzinfo=SHANGHAI), tick=False):
        quick = w.dispatched()
        slow = w.dispatched()
    with time_machine.travel(datetime(2026, 3, 2, 10, 59, tzinfo=SHANGHAI), tick=False):
        actions.sign_for(quick, actor=w.handler_a)
    with time_machine.travel(datetime(2026, 3, 2, 11, 1, tzinfo=SHANGHAI), tick=False):
        actions.sign_for(slow, actor=w.handler_a)

    assert quick.events.last().data == {"on_time": True}
    assert slow.events.last().data == {"on_time": False}


def test_it_does_not_sign_the_assisting_units_parts(w: World) -> None:
    order = actions.sign_for(w.joint(w.dept_b), actor=w.handler_a)

    assist = Assignment.objects.get(order=order, unit=w.dept_b)
    assert assist.signed_at is None
