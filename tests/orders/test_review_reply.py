from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from civicdesk.notifications.models import Medium, OutboxMessage
from civicdesk.orders import actions
from civicdesk.orders.errors import InvalidInput
from civicdesk.orders.workflow import State
from tests.world import World

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_it_accepts_the_reply_and_starts_the_callback_clock(w: World) -> None:
    with time_machine.travel(datetime(2026, 3, 2, 9, 0, tzinfo=SHANGHAI), tick=False):
        order = w.replied()
    # Accepted Friday 6 March 16:00: one working day to call back, Monday 9 March 16:00.
    with time_machine.travel(datetime(2026, 3, 6, 16, 0, tzinfo=SHANGHAI), tick=False):
        order = actions.accept_reply(order, actor=w.dispatcher, note="答复规范")

    order.refresh_from_db()
    assert order.state == State.AWAITING_CALLBACK
    assert order.accepted_at == datetime(2026, 3, 6, 16, 0, tzinfo=SHANGHAI)
    assert order.callback_due_at == datetime(2026, 3, 9, 16, 0, tzinfo=SHANGHAI)
    event = order.events.last()
    assert (event.action, event.from_state, event.to_state) == ("accept_reply", State.REPLIED, State.AWAITING_CALLBACK)


def test_it_tells_the_citizen_and_the_callback_agents(w: World) -> None:
    order = w.awaiting_callback()

    event = order.events.last()
    sms = OutboxMessage.objects.get(event=event, medium=Medium.SMS)
    assert sms.address == "13800001234"
    assert order.number in sms.text
    staff = set(OutboxMessage.objects.filter(event=event, medium=Medium.INBOX).values_list("user_id", flat=True))
    assert staff == {w.callback_agent.pk, w.operator.pk}


def test_it_does_not_text_a_citizen_who_wants_no_reply(w: World) -> None:
    order = w.awaiting_callback(wants_reply=False)

    assert not OutboxMessage.objects.filter(event=order.events.last(), medium=Medium.SMS).exists()


def test_it_sends_a_wanting_reply_back_to_the_unit(w: World) -> None:
    order = actions.send_back_reply(w.replied(), actor=w.dispatcher, reason="未说明修复时间")

    order.refresh_from_db()
    assert order.state == State.SIGNED
    assert order.replied_at is None
    assert order.lead_unit == w.dept_a
    event = order.events.last()
    assert (event.action, event.note) == ("send_back_reply", "未说明修复时间")
    told = set(OutboxMessage.objects.filter(event=event).values_list("user_id", flat=True))
    assert {w.handler_a.pk, w.head_a.pk, w.operator.pk} == told
    # The unit replies again.
    assert actions.reply(order, actor=w.handler_a, result="solved", text="已于3月5日修复。").state == State.REPLIED


def test_it_sends_a_rework_reply_back_to_rework(w: World) -> None:
    order = actions.reply(w.rework(), actor=w.handler_a, result="solved", text="已重修。")

    assert actions.send_back_reply(order, actor=w.dispatcher, reason="仍不完整").state == State.REWORK


def test_it_needs_a_reason_to_send_back(w: World) -> None:
    order = w.replied()

    with pytest.raises(InvalidInput) as caught:
        actions.send_back_reply(order, actor=w.dispatcher, reason="")

    assert caught.value.fields == {"reason": "请填写退回理由。"}
    order.refresh_from_db()
    assert order.state == State.REPLIED
