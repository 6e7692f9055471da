"""领导批示: a leader's instruction on an order; the unit acknowledges it by a working-time
deadline, its reply must answer it, and the sweep escalates one not acknowledged in time."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from civicdesk.notifications.models import OutboxMessage
from civicdesk.orders import actions
from civicdesk.orders.errors import InvalidInput, InvalidTransition, PermissionDenied
from civicdesk.orders.models import OrderEvent, WorkOrder
from civicdesk.orders.workflow import State
from civicdesk.runtime.sweeps import SWEEPS
from tests.world import World

SH = ZoneInfo("Asia/Shanghai")
FRIDAY_AFTERNOON = datetime(2025, 11, 7, 15, 0, tzinfo=SH)
MONDAY_AFTERNOON = datetime(2025, 11, 10, 15, 0, tzinfo=SH)


def test_a_leader_instructs_and_the_unit_hears_of_it_with_the_deadline(w: World) -> None:
    with time_machine.travel(FRIDAY_AFTERNOON, tick=False):
        order = actions.instruct(w.signed(), actor=w.leader, text="请三日内修复，确保雨季行人安全。")

    assert order.instructed_at is not None
    # One working day from a Friday afternoon: the next Monday afternoon.
    assert order.instruction_due_at == MONDAY_AFTERNOON
    assert order.instruction_open
    event = OrderEvent.objects.get(order=order, action="instruct")
    assert event.note == "请三日内修复，确保雨季行人安全。"
    told = OutboxMessage.objects.filter(event=event, medium="inbox")
    assert {"handler_a", "head_a", "supervisor"} <= set(told.values_list("user__username", flat=True))
    to_unit = told.get(user=w.handler_a).text
    assert "领导批示" in to_unit and "请三日内修复" in to_unit and "2025-11-10 15:00" in to_unit


def test_only_a_leader_of_the_hub_instructs(w: World) -> None:
    order = w.signed()
    for person in (w.supervisor, w.dispatcher, w.handler_a):
        with pytest.raises(PermissionDenied):
            actions.instruct(order, actor=person, text="请尽快办理")


def test_an_instruction_needs_its_text_and_a_sensible_deadline(w: World) -> None:
    order = w.signed()
    with pytest.raises(InvalidInput) as empty:
        actions.instruct(order, actor=w.leader, text=" ")
    with pytest.raises(InvalidInput) as days:
        actions.instruct(order, actor=w.leader, text="请办理", days="0.3")
    assert empty.value.fields == {"text": "请填写批示内容。"}
    assert "days" in days.value.fields


def test_no_instruction_on_an_order_no_unit_holds(w: World) -> None:
    with pytest.raises(InvalidTransition):
        actions.instruct(w.pending(), actor=w.leader, text="请尽快派单")


def test_the_unit_acknowledges_it_once(w: World) -> None:
    order = actions.acknowledge_instruction(w.instructed(), actor=w.head_a)

    assert order.instruction_acknowledged_at is not None
    event = OrderEvent.objects.get(order=order, action="acknowledge_instruction")
    # by_hub: the hub whose leader wrote the instruction, told of its acknowledgement.
    assert event.data == {"on_time": True, "unit": w.dept_a.pk, "by_hub": w.hub.pk}
    assert OutboxMessage.objects.filter(event=event, user=w.leader).exists()
    with pytest.raises(InvalidInput):
        actions.acknowledge_instruction(order, actor=w.handler_a)


def test_there_is_nothing_to_acknowledge_without_an_instruction(w: World) -> None:
    with pytest.raises(InvalidInput):
        actions.acknowledge_instruction(w.signed(), actor=w.handler_a)


def test_the_reply_waits_for_the_acknowledgement_and_must_answer_the_instruction(w: World) -> None:
    order = w.instructed()

    with pytest.raises(InvalidInput) as unacknowledged:
        actions.reply(order, actor=w.handler_a, result="solved", text="已修复。", instruction_response="已落实")
    assert "请先签收批示" in unacknowledged.value.message

    order = actions.acknowledge_instruction(order, actor=w.handler_a)
    with pytest.raises(InvalidInput) as unanswered:
        actions.reply(order, actor=w.handler_a, result="solved", text="已修复。")
    assert unanswered.value.fields == {"instruction_response": "本工单有领导批示，请在答复中说明批示的落实情况。"}

    order = actions.reply(
        order, actor=w.handler_a, result="solved", text="已修复。", instruction_response="已按批示次日修复并设警示。"
    )
    assert order.state == State.REPLIED
    assert order.instruction_answered_at is not None and not order.instruction_open
    event = OrderEvent.objects.get(order=order, action="reply")
    assert event.data["instruction_response"] == "已按批示次日修复并设警示。"


def test_a_reply_without_an_instruction_needs_no_answer_to_one(w: World) -> None:
    order = actions.reply(w.signed(), actor=w.handler_a, result="solved", text="已修复。")
    assert "instruction_response" not in OrderEvent.objects.get(order=order, action="reply").data


def test_the_sweep_escalates_an_overdue_instruction_once(w: World) -> None:
    with time_machine.travel(FRIDAY_AFTERNOON, tick=False):
        order = actions.instruct(w.signed(), actor=w.leader, text="请三日内修复。")
        quiet = actions.instruct(w.signed(), actor=w.leader, text="请关注。")
        actions.acknowledge_instruction(quiet, actor=w.handler_a)

    with time_machine.travel(MONDAY_AFTERNOON, tick=False):
        assert SWEEPS["instruction_watch"]() == 0  # due, not yet overdue
    with time_machine.travel(datetime(2025, 11, 10, 15, 1, tzinfo=SH), tick=False):
        assert SWEEPS["instruction_watch"]() == 1
        assert SWEEPS["instruction_watch"]() == 0

    order = WorkOrder.objects.get(pk=order.pk)
    assert order.instruction_escalated_at is not None
    event = OrderEvent.objects.get(order=order, action="escalate_instruction")
    assert event.actor is None
    told = set(OutboxMessage.objects.filter(event=event, medium="inbox").values_list("user__username", flat=True))
    assert {"handler_a", "head_a", "supervisor", "leader"} <= told
    assert not OrderEvent.objects.filter(order=quiet, action="escalate_instruction").exists()
    # Escalated, it still has to be acknowledged (late).
    order = actions.acknowledge_instruction(order, actor=w.handler_a)
    assert OrderEvent.objects.get(order=order, action="acknowledge_instruction").data["on_time"] is False


def test_escalating_an_instruction_that_is_not_overdue_is_refused(w: World) -> None:
    with pytest.raises(InvalidInput):
        actions.escalate_instruction(w.instructed(), actor=None)


def test_a_new_instruction_takes_the_place_of_the_last(w: World) -> None:
    order = actions.acknowledge_instruction(w.instructed(), actor=w.handler_a)

    order = actions.instruct(order, actor=w.leader, text="再次批示：请本周内办结。")

    assert order.instruction_acknowledged_at is None
    assert order.instruction_open
