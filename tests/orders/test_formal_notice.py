"""督办单: a numbered formal supervision notice (督〔2026〕12号, the year's own sequence) with a
working-time deadline for the unit's written answer; escalated once when overdue."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from civicdesk.notifications.models import OutboxMessage
from civicdesk.orders import actions
from civicdesk.orders.errors import InvalidInput, InvalidTransition, PermissionDenied
from civicdesk.orders.models import OrderEvent, WorkOrder
from civicdesk.orders.queues import formal_notices
from civicdesk.runtime.sweeps import SWEEPS
from tests.world import World

SH = ZoneInfo("Asia/Shanghai")
FRIDAY_AFTERNOON = datetime(2025, 11, 7, 15, 0, tzinfo=SH)


def test_notices_are_numbered_in_the_years_sequence(w: World) -> None:
    with time_machine.travel(datetime(2025, 12, 30, 10, 0, tzinfo=SH), tick=False):
        first = actions.issue_notice(w.signed(), actor=w.supervisor, text="请立即修复。")
        second = actions.issue_notice(w.signed(), actor=w.supervisor, text="请立即修复。")
    with time_machine.travel(datetime(2026, 1, 5, 10, 0, tzinfo=SH), tick=False):
        next_year = actions.issue_notice(w.signed(), actor=w.supervisor, text="请立即修复。")

    assert [first.notice_number, second.notice_number, next_year.notice_number] == [
        "督〔2025〕1号",
        "督〔2025〕2号",
        "督〔2026〕1号",
    ]


def test_the_notice_has_a_working_time_deadline_and_reaches_the_unit(w: World) -> None:
    with time_machine.travel(FRIDAY_AFTERNOON, tick=False):
        order = actions.issue_notice(w.signed(), actor=w.supervisor, text="坑洼致人摔伤，请立即修复。", days=1)

    assert order.notice_due_at == datetime(2025, 11, 10, 15, 0, tzinfo=SH)  # over the weekend
    assert order.supervision_level == 1
    assert order.notice_open
    event = OrderEvent.objects.get(order=order, action="issue_notice")
    assert event.data["number"] == order.notice_number
    message = OutboxMessage.objects.get(event=event, user=w.handler_a, medium="inbox")
    assert order.notice_number in message.text and "2025-11-10 15:00" in message.text
    assert OutboxMessage.objects.filter(event=event, user=w.head_a).exists()
    assert formal_notices(w.supervisor).filter(pk=order.pk).exists()


def test_one_open_notice_at_a_time(w: World) -> None:
    order = w.noticed()

    with pytest.raises(InvalidInput) as caught:
        actions.issue_notice(order, actor=w.supervisor, text="再次督办")

    assert "尚未答复，不能再下发" in caught.value.message


def test_the_unit_answers_in_writing(w: World) -> None:
    order = w.noticed()

    with pytest.raises(InvalidInput) as empty:
        actions.answer_notice(order, actor=w.handler_a, text="")
    order = actions.answer_notice(order, actor=w.handler_a, text="已于当日修复，并设置警示标志。")

    assert empty.value.fields == {"text": "请填写督办单的书面答复。"}
    assert order.notice_answered_at is not None and not order.notice_open
    event = OrderEvent.objects.get(order=order, action="answer_notice")
    # by_hub: the hub whose supervisor issued the notice, told of the answer.
    assert event.data == {"number": order.notice_number, "on_time": True, "unit": w.dept_a.pk, "by_hub": w.hub.pk}
    assert OutboxMessage.objects.filter(event=event, user=w.supervisor).exists()
    assert not formal_notices(w.supervisor).filter(pk=order.pk).exists()
    with pytest.raises(InvalidInput):
        actions.answer_notice(order, actor=w.handler_a, text="再答一次")


def test_the_unit_may_answer_after_replying(w: World) -> None:
    order = w.noticed()
    order = actions.reply(order, actor=w.handler_a, result="solved", text="已修复。")

    order = actions.answer_notice(order, actor=w.handler_a, text="已修复并说明。")

    assert order.notice_answered_at is not None


def test_only_a_supervisor_issues_and_only_the_lead_unit_answers(w: World) -> None:
    order = w.signed()
    with pytest.raises(PermissionDenied):
        actions.issue_notice(order, actor=w.dispatcher, text="请修复")
    order = w.noticed()
    with pytest.raises(PermissionDenied):
        actions.answer_notice(order, actor=w.handler_b, text="不是我们")


def test_no_notice_on_an_order_no_unit_holds(w: World) -> None:
    with pytest.raises(InvalidTransition):
        actions.issue_notice(w.pending(), actor=w.supervisor, text="请修复")


def test_the_sweep_escalates_an_unanswered_notice_once(w: World) -> None:
    with time_machine.travel(FRIDAY_AFTERNOON, tick=False):
        order = actions.issue_notice(w.signed(), actor=w.supervisor, text="请立即修复。", days=1)
        answered = actions.issue_notice(w.signed(), actor=w.supervisor, text="请立即修复。", days=1)
        actions.answer_notice(answered, actor=w.handler_a, text="已修复。")

    with time_machine.travel(datetime(2025, 11, 10, 15, 1, tzinfo=SH), tick=False):
        assert SWEEPS["notice_watch"]() == 1
        assert SWEEPS["notice_watch"]() == 0

    order = WorkOrder.objects.get(pk=order.pk)
    assert order.notice_escalated_at is not None
    event = OrderEvent.objects.get(order=order, action="escalate_notice")
    told = set(OutboxMessage.objects.filter(event=event, medium="inbox").values_list("user__username", flat=True))
    assert {"handler_a", "head_a", "supervisor", "leader"} <= told
    # Still to be answered; now late.
    order = actions.answer_notice(order, actor=w.handler_a, text="已修复。")
    assert OrderEvent.objects.get(order=order, action="answer_notice").data["on_time"] is False
