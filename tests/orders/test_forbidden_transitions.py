"""Every move refused from every state the workflow table does not list as its source."""

from __future__ import annotations

import pytest

from civicdesk.orders.errors import InvalidTransition
from civicdesk.orders.workflow import MOVES, State
from tests.orders.moves import runner, snapshot
from tests.world import World

# Who would make each move if the state allowed it (the state is checked first, but the
# refusal must not depend on the actor lacking the right).
ACTOR = {
    "answer": "operator",
    "send_to_hub": "operator",
    "dispatch": "dispatcher",
    "redispatch": "dispatcher",
    "hand_down": "dispatcher",
    "return_to_upper": "dispatcher",
    "undo_auto_dispatch": "dispatcher",
    "sign": "handler_a",
    "sign_part": "handler_b",
    "sub_dispatch": "handler_a",
    "request_return": "handler_a",
    "approve_return": "dispatcher",
    "refuse_return": "dispatcher",
    "request_extension": "handler_a",
    "approve_extension": "dispatcher",
    "refuse_extension": "dispatcher",
    "request_suspension": "handler_a",
    "approve_suspension": "dispatcher",
    "refuse_suspension": "dispatcher",
    "resume": "handler_a",
    "give_part": "handler_b",
    "reply": "handler_a",
    "accept_reply": "dispatcher",
    "send_back_reply": "dispatcher",
    "record_callback": "callback_agent",
    "close_without_callback": "callback_agent",
    "merge": "dispatcher",
    "void": "dispatcher",
    "withdraw": "operator",
    "object_to_refusal": "handler_a",
    "uphold_objection": "supervisor",
    "reject_objection": "supervisor",
    "mark_difficult": "dispatcher",
    "convene_consultation": "dispatcher",
    "give_view": "handler_a",
    "decide_consultation": "dispatcher",
    "transfer_out": "operator",
    "supervise": "supervisor",
    "instruct": "leader",
    "acknowledge_instruction": "handler_a",
    "escalate_instruction": None,
    "issue_notice": "supervisor",
    "answer_notice": "handler_a",
    "escalate_notice": None,
    "deadline_notice": None,
    "remind_view": None,
    "supplement": "operator",
    "request_material": "handler_b",
    "supply_material": "operator",
    "urge": "operator",
    "follow_calendar": None,
    "return_to_upstream": "dispatcher",
    "remote_progress": None,
    "remote_late_report": None,
}

CASES = [
    pytest.param(action, state, id=f"{action}-from-{state}")
    for action, move in MOVES.items()
    for state in State.values
    if state not in move.sources
]


def test_it_knows_how_to_make_every_move() -> None:
    assert set(ACTOR) == set(MOVES)


@pytest.mark.parametrize(("action", "state"), CASES)
def test_it_refuses_a_move_from_a_state_not_among_its_sources(w: World, action: str, state: str) -> None:
    order = w.in_state(state)
    run = runner(w, action, order)
    actor = getattr(w, ACTOR[action]) if ACTOR[action] else None
    before = snapshot(order)

    with pytest.raises(InvalidTransition) as caught:
        run(actor)

    assert caught.value.message == f"工单 {order.number} 当前状态为“{State(state).label}”，不能{MOVES[action].label}。"
    assert snapshot(order) == before
