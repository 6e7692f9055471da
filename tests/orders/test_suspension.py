from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from civicdesk.orders import actions
from civicdesk.orders.errors import InvalidInput
from civicdesk.orders.models import DeadlineStatus
from civicdesk.orders.workflow import State
from tests.world import World

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=SHANGHAI)


def test_it_asks_to_pause_and_the_hub_pauses(w: World) -> None:
    order = actions.request_suspension(w.signed(), actor=w.handler_a, reason="等待法院判决")
    assert order.state == State.SUSPENSION_REQUESTED
    assert order.events.last().note == "等待法院判决"

    order = actions.approve_suspension(order, actor=w.dispatcher, note="同意挂起")

    order.refresh_from_db()
    assert order.state == State.SUSPENDED
    assert order.suspended_at is not None
    assert order.deadline_status() == DeadlineStatus.ON_TIME


def test_it_goes_back_to_handling_when_refused(w: World) -> None:
    order = w.suspension_requested()
    due = order.handle_due_at

    order = actions.refuse_suspension(order, actor=w.dispatcher, reason="无需等待判决")

    order.refresh_from_db()
    assert order.state == State.SIGNED
    assert order.suspended_at is None
    assert order.handle_due_at == due


def test_it_needs_a_reason(w: World) -> None:
    with pytest.raises(InvalidInput) as caught:
        actions.request_suspension(w.signed(), actor=w.handler_a, reason=" ")

    assert caught.value.fields == {"reason": "请填写挂起理由。"}


@pytest.mark.parametrize("persona", ["dispatcher", "handler_a"])
def test_it_resumes_with_the_deadline_moved_by_the_paused_working_time(w: World, persona: str) -> None:
    # Dispatched Monday 2 March 09:00, due Monday 23 March 09:00. Paused from Friday 6 March
    # 16:00 to Monday 9 March 10:00: 90 working minutes on Friday, 90 on Monday.
    with time_machine.travel(at(3, 2, 9), tick=False):
        order = w.suspension_requested()
    with time_machine.travel(at(3, 6, 16), tick=False):
        order = actions.approve_suspension(order, actor=w.dispatcher)
    with time_machine.travel(at(3, 9, 10), tick=False):
        order = actions.resume(order, actor=getattr(w, persona), note="判决已出")

    order.refresh_from_db()
    assert order.state == State.SIGNED
    assert order.suspended_at is None
    assert order.suspended_minutes == 180
    assert order.handle_due_at == at(3, 23, 12)
    event = order.events.last()
    assert event.action == "resume"
    assert event.data["paused_working_minutes"] == 180


def test_it_adds_up_several_pauses(w: World) -> None:
    with time_machine.travel(at(3, 2, 9), tick=False):
        order = w.suspended()
    with time_machine.travel(at(3, 2, 10), tick=False):
        order = actions.resume(order, actor=w.dispatcher)
        order = actions.request_suspension(order, actor=w.handler_a, reason="再次等待")
        order = actions.approve_suspension(order, actor=w.dispatcher)
    with time_machine.travel(at(3, 2, 14), tick=False):
        order = actions.resume(order, actor=w.dispatcher)

    order.refresh_from_db()
    # 60 minutes, then 10:00–12:00 and 13:30–14:00: 150 more; 09:00 + 210 working minutes
    # runs through the morning (180) and 30 minutes into the afternoon.
    assert order.suspended_minutes == 210
    assert order.handle_due_at == at(3, 23, 14)


def test_it_resumes_a_rework_order_into_rework(w: World) -> None:
    order = actions.request_suspension(w.rework(), actor=w.handler_a, reason="等待鉴定")
    order = actions.approve_suspension(order, actor=w.dispatcher)

    assert actions.resume(order, actor=w.dispatcher).state == State.REWORK
