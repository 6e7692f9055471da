"""The moves a person makes on an order, the same for the console's pages and the API: which
action each move calls, which moves a person may make on an order now, and one dispatcher.

No forms here: the actions check everything that matters (state, right, input, units under
the hub, ...). The order page's forms (civicdesk.orders.forms) and the API's schemas only turn
what was typed into the actions' arguments, then come through perform().
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext as _

from civicdesk.orders import actions
from civicdesk.orders.errors import InvalidInput
from civicdesk.orders.models import WorkOrder
from civicdesk.orders.permissions import can
from civicdesk.orders.workflow import MOVES
from civicdesk.org.models import User

# Move name (civicdesk.orders.workflow.MOVES) → the action that makes it. Moves missing here
# are made by the system or by a page of their own (creation, merge suggestions, ...).
PERFORM: dict[str, Callable[..., WorkOrder]] = {
    "answer": actions.answer_immediately,
    "send_to_hub": actions.send_to_hub,
    "dispatch": actions.dispatch,
    "redispatch": actions.redispatch,
    "hand_down": actions.hand_down,
    "sign": actions.sign_for,
    "sign_part": actions.sign_part,
    "sub_dispatch": actions.sub_dispatch,
    "request_return": actions.request_return,
    "return_to_upper": actions.return_to_upper,
    "approve_return": actions.approve_return,
    "refuse_return": actions.refuse_return,
    "request_extension": actions.request_extension,
    "approve_extension": actions.approve_extension,
    "refuse_extension": actions.refuse_extension,
    "request_suspension": actions.request_suspension,
    "approve_suspension": actions.approve_suspension,
    "refuse_suspension": actions.refuse_suspension,
    "resume": actions.resume,
    "give_part": actions.give_part,
    "reply": actions.reply,
    "accept_reply": actions.accept_reply,
    "send_back_reply": actions.send_back_reply,
    "record_callback": actions.record_callback,
    "close_without_callback": actions.close_without_callback,
    "merge": actions.merge,
    "void": actions.void,
    "transfer_out": actions.transfer_out,
    "supervise": actions.supervise,
    "supplement": actions.supplement,
    "urge": actions.urge,
}


def available_moves(user: User, order: WorkOrder) -> list[str]:
    """The moves `user` may make on `order` as it is now, in the workflow table's order."""
    return [
        action
        for action, move in MOVES.items()
        if action in PERFORM and order.state in move.sources and can(user, order, action)
    ]


def perform(action: str, order: WorkOrder, *, actor: User, expected_version: int | None, **params: Any) -> WorkOrder:
    """Make the move `action` on `order` with the action's keyword arguments `params`.
    Raises the action's errors (civicdesk.orders.errors), InvalidInput for an unknown move."""
    make = PERFORM.get(action)
    if make is None:
        raise InvalidInput(_("没有这个操作。"))
    return make(order, actor=actor, expected_version=expected_version, **params)
