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


def test_it_closes_the_order_with_what_the_citizen_said(w: World) -> None:
    order = actions.record_callback(
        w.awaiting_callback(),
        actor=w.callback_agent,
        solved="solved",
        satisfaction="basically",
        comment="基本满意",
        via="phone",
    )

    order.refresh_from_db()
    assert order.state == State.CLOSED
    assert order.closed_at is not None
    assert (order.callback_solved, order.callback_satisfaction) == ("solved", "basically")
    event = order.events.last()
    assert (event.action, event.from_state, event.to_state) == (
        "record_callback",
        State.AWAITING_CALLBACK,
        State.CLOSED,
    )
    assert event.data == {"solved": "solved", "satisfaction": "basically", "via": "phone", "rework": False}
    assert event.note == "基本满意"


def test_it_accepts_a_rating_from_the_system(w: World) -> None:
    # A citizen rating by SMS link arrives without a staff member.
    order = actions.record_callback(
        w.awaiting_callback(), actor=None, solved="solved", satisfaction="satisfied", via="sms"
    )

    assert order.state == State.CLOSED
    assert order.events.last().actor is None


def test_it_sends_the_order_back_for_rework_with_a_fresh_limit(w: World) -> None:
    with time_machine.travel(datetime(2026, 3, 2, 9, 0, tzinfo=SHANGHAI), tick=False):
        order = w.awaiting_callback()
    # Rework on Tuesday 10 March 10:00: a fresh 15 working days, Tuesday 31 March 10:00.
    with time_machine.travel(datetime(2026, 3, 10, 10, 0, tzinfo=SHANGHAI), tick=False):
        order = actions.record_callback(
            order,
            actor=w.callback_agent,
            solved="unsolved",
            satisfaction="unsatisfied",
            rework=True,
            comment="仍有积水",
        )

    order.refresh_from_db()
    assert order.state == State.REWORK
    assert order.rework_count == 1
    assert order.lead_unit == w.dept_a
    assert order.closed_at is None
    assert (order.replied_at, order.accepted_at, order.callback_due_at) == (None, None, None)
    assert order.handle_due_at == datetime(2026, 3, 31, 10, 0, tzinfo=SHANGHAI)
    assert order.events.last().data["rework"] is True


def test_it_closes_an_unsatisfied_callback_that_is_not_the_units_fault(w: World) -> None:
    order = actions.record_callback(
        w.awaiting_callback(), actor=w.callback_agent, solved="solved", satisfaction="unsatisfied", comment="对政策不满"
    )

    assert order.state == State.CLOSED
    assert order.rework_count == 0


def test_it_refuses_rework_when_the_citizen_is_satisfied_and_solved(w: World) -> None:
    order = w.awaiting_callback()

    with pytest.raises(InvalidInput) as caught:
        actions.record_callback(order, actor=w.callback_agent, solved="solved", satisfaction="satisfied", rework=True)

    assert caught.value.fields == {"rework": "只有群众不满意或问题未解决时才能重办。"}
    order.refresh_from_db()
    assert order.state == State.AWAITING_CALLBACK


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        ({"solved": "maybe"}, "solved", "请选择解决情况。"),
        ({"satisfaction": "meh"}, "satisfaction", "请选择满意度。"),
        ({"via": "pigeon"}, "via", "回访方式无效。"),
    ],
)
def test_it_refuses_unknown_answers(w: World, kwargs: dict[str, str], field: str, message: str) -> None:
    order = w.awaiting_callback()
    fields = {"solved": "solved", "satisfaction": "satisfied", **kwargs}

    with pytest.raises(InvalidInput) as caught:
        actions.record_callback(order, actor=w.callback_agent, **fields)  # type: ignore[arg-type]

    assert caught.value.fields == {field: message}


def test_it_goes_round_again_after_rework(w: World) -> None:
    order = w.rework()
    order = actions.reply(order, actor=w.handler_a, result="solved", text="已重新铺设。")
    order = actions.accept_reply(order, actor=w.dispatcher)
    order = actions.record_callback(order, actor=w.callback_agent, solved="solved", satisfaction="satisfied")

    order.refresh_from_db()
    assert order.state == State.CLOSED
    assert order.rework_count == 1
    assert order.callback_satisfaction == "satisfied"
