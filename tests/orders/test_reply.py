from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from civicdesk.orders import actions
from civicdesk.orders.errors import InvalidInput
from civicdesk.orders.workflow import State
from tests.world import World

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_it_records_what_the_unit_did(w: World) -> None:
    order = actions.reply(w.signed(), actor=w.handler_a, result="partly", text="已修补主要坑洼，其余待天晴后施工。")

    order.refresh_from_db()
    assert order.state == State.REPLIED
    assert order.reply_result == "partly"
    assert order.reply_text == "已修补主要坑洼，其余待天晴后施工。"
    assert order.replied_at is not None
    event = order.events.last()
    assert (event.action, event.from_state, event.to_state) == ("reply", State.SIGNED, State.REPLIED)
    assert event.data["result"] == "partly"


def test_it_records_whether_the_reply_was_on_time(w: World) -> None:
    # An enquiry dispatched Monday 2 March 09:00 has 2 working days: Wednesday 09:00.
    with time_machine.travel(datetime(2026, 3, 2, 9, 0, tzinfo=SHANGHAI), tick=False):
        early = w.signed(request_type="enquiry")
        late = w.signed(request_type="enquiry")
    with time_machine.travel(datetime(2026, 3, 4, 8, 59, tzinfo=SHANGHAI), tick=False):
        actions.reply(early, actor=w.handler_a, result="solved", text="已答复。")
    with time_machine.travel(datetime(2026, 3, 4, 9, 1, tzinfo=SHANGHAI), tick=False):
        actions.reply(late, actor=w.handler_a, result="solved", text="已答复。")

    assert early.events.last().data["on_time"] is True
    assert late.events.last().data["on_time"] is False


@pytest.mark.parametrize(
    ("result", "text", "field", "message"),
    [("fixed", "已修复。", "result", "请选择办理结果。"), ("solved", "", "text", "请填写答复内容。")],
)
def test_it_refuses_a_reply_without_result_or_text(w: World, result: str, text: str, field: str, message: str) -> None:
    order = w.signed()

    with pytest.raises(InvalidInput) as caught:
        actions.reply(order, actor=w.handler_a, result=result, text=text)

    assert caught.value.fields == {field: message}
    order.refresh_from_db()
    assert order.state == State.SIGNED
    assert order.reply_text == ""


def test_it_replies_after_rework(w: World) -> None:
    order = actions.reply(w.rework(), actor=w.handler_a, result="solved", text="已重新铺设路面。")

    assert order.state == State.REPLIED
    assert order.events.last().from_state == State.REWORK
