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
from civicdesk.orders.actions.base import DATABASE
from civicdesk.orders.actions.handling import waits_for_platform
from civicdesk.orders.actions.material import waiting_for_material
from civicdesk.orders.actions.objection import why_no_objection
from civicdesk.orders.errors import InvalidInput
from civicdesk.orders.models import AssignmentRole, WorkOrder
from civicdesk.orders.permissions import can
from civicdesk.orders.store import History
from civicdesk.orders.workflow import MOVES
from civicdesk.org.models import OrgUnit, User

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
    "return_to_upstream": actions.return_to_upstream,
    "remote_progress": actions.remote_progress,
    "remote_late_report": actions.remote_late_report,
    "approve_return": actions.approve_return,
    "refuse_return": actions.refuse_return,
    "object_to_refusal": actions.object_to_refusal,
    "uphold_objection": actions.uphold_objection,
    "reject_objection": actions.reject_objection,
    "request_extension": actions.request_extension,
    "approve_extension": actions.approve_extension,
    "refuse_extension": actions.refuse_extension,
    "request_suspension": actions.request_suspension,
    "approve_suspension": actions.approve_suspension,
    "refuse_suspension": actions.refuse_suspension,
    "resume": actions.resume,
    "give_part": actions.give_part,
    "request_material": actions.request_material,
    "supply_material": actions.supply_material,
    "reply": actions.reply,
    "accept_reply": actions.accept_reply,
    "send_back_reply": actions.send_back_reply,
    "record_callback": actions.record_callback,
    "close_without_callback": actions.close_without_callback,
    "merge": actions.merge,
    "mark_difficult": actions.mark_difficult,
    "convene_consultation": actions.convene_consultation,
    "give_view": actions.give_view,
    "decide_consultation": actions.decide_consultation,
    "void": actions.void,
    "withdraw": actions.withdraw,
    "transfer_out": actions.transfer_out,
    "supervise": actions.supervise,
    "instruct": actions.instruct,
    "acknowledge_instruction": actions.acknowledge_instruction,
    "issue_notice": actions.issue_notice,
    "answer_notice": actions.answer_notice,
    "supplement": actions.supplement,
    "urge": actions.urge,
}


# Those of APPLIES that read the order's history besides its row, from where it is read:
# the database, or the history the order page has read already (store.LoadedHistory).
READS_HISTORY: dict[str, Callable[[WorkOrder, History], bool]] = {
    "object_to_refusal": lambda order, history: not why_no_objection(history, order),
    # 补正到位 is offered only while a department waits for material.
    "supply_material": lambda order, history: bool(waiting_for_material(history, order)),
}

# Moves that apply only to some orders in their source states, by what the order row says;
# the action refuses the others with the reason, the pages do not offer them.
APPLIES: dict[str, Callable[[WorkOrder], bool]] = {
    "return_to_upstream": lambda order: bool(order.upstream_platform and order.upstream_id),
    # An extension past an upstream platform's deadline is the platform's to decide.
    "approve_extension": lambda order: not waits_for_platform(order),
    "refuse_extension": lambda order: not waits_for_platform(order),
    "mark_difficult": lambda order: not order.difficult,
    "convene_consultation": lambda order: order.bounce_count > 0 or order.difficult,
    "object_to_refusal": lambda order: READS_HISTORY["object_to_refusal"](order, DATABASE),
    "answer_notice": lambda order: order.notice_open,
    "issue_notice": lambda order: not order.notice_open,
    "supply_material": lambda order: READS_HISTORY["supply_material"](order, DATABASE),
    "acknowledge_instruction": lambda order: (
        order.instructed_at is not None and order.instruction_acknowledged_at is None
    ),
}


def available_moves(user: User, order: WorkOrder, history: History | None = None) -> list[str]:
    """The moves `user` may make on `order` as it is now, in the workflow table's order.
    `history`: the order's events and assignments where the page has read them (else each
    move that reads them asks the database again)."""
    assisting = consulted = None
    if history is not None:
        active = history.active_assignments(order)

        def assisting() -> list[OrgUnit]:
            return [a.unit for a in active if a.role == AssignmentRole.ASSIST]

        def consulted() -> list[OrgUnit]:
            return [a.unit for a in active if a.role == AssignmentRole.CONSULT]

    def applies(action: str) -> bool:
        if history is not None and action in READS_HISTORY:
            return READS_HISTORY[action](order, history)
        return APPLIES.get(action, _always)(order)

    return [
        action
        for action, move in MOVES.items()
        if action in PERFORM
        and order.state in move.sources
        and applies(action)
        and can(user, order, action, assisting=assisting, consulted=consulted)
    ]


def _always(order: WorkOrder) -> bool:
    return True


def perform(action: str, order: WorkOrder, *, actor: User, expected_version: int | None, **params: Any) -> WorkOrder:
    """Make the move `action` on `order` with the action's keyword arguments `params`.
    Raises the action's errors (civicdesk.orders.errors), InvalidInput for an unknown move."""
    make = PERFORM.get(action)
    if make is None:
        raise InvalidInput(_("没有这个操作。"))
    return make(order, actor=actor, expected_version=expected_version, **params)
