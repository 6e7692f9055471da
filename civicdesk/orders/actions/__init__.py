"""Every state change of a work order, one atomic function each.

Each takes the acting user as a keyword, checks the move against the workflow table and
the user's right, writes one append-only event, recomputes deadlines, and queues its
notifications in the outbox inside the same transaction.

Each move is written once, here: the `store` keyword (civicdesk.orders.store) says where its
rows live, the database by default; the demo's bulk generator passes its in-memory store.
"""

from civicdesk.orders.actions.calendar import follow_calendar
from civicdesk.orders.actions.closing import (
    accept_reply,
    close_without_callback,
    merge,
    record_callback,
    send_back_reply,
)
from civicdesk.orders.actions.consultation import (
    convene_consultation,
    decide_consultation,
    give_view,
    mark_difficult,
    remind_view,
    run_view_reminders,
)
from civicdesk.orders.actions.dispatching import (
    approve_return,
    dispatch,
    hand_down,
    redispatch,
    refuse_return,
    request_return,
    return_to_upper,
    sign_for,
    sign_part,
    sub_dispatch,
    undo_auto_dispatch,
)
from civicdesk.orders.actions.handling import (
    approve_extension,
    approve_suspension,
    give_part,
    refuse_extension,
    refuse_suspension,
    reply,
    request_extension,
    request_suspension,
    resume,
)
from civicdesk.orders.actions.instruction import (
    acknowledge_instruction,
    escalate_instruction,
    instruct,
    run_instruction_watch,
)
from civicdesk.orders.actions.intake import (
    answer_immediately,
    create_order,
    link_enterprise,
    send_to_hub,
    supplement,
    transfer_out,
    void,
    withdraw,
)
from civicdesk.orders.actions.material import request_material, supply_material
from civicdesk.orders.actions.notices import answer_notice, escalate_notice, issue_notice, run_notice_watch
from civicdesk.orders.actions.objection import object_to_refusal, reject_objection, uphold_objection
from civicdesk.orders.actions.remote import Report, remote_late_report, remote_progress, return_to_upstream
from civicdesk.orders.actions.supervision import run_deadline_watch, supervise
from civicdesk.orders.actions.urging import add_support, urge

__all__ = [
    "Report",
    "accept_reply",
    "acknowledge_instruction",
    "add_support",
    "answer_immediately",
    "answer_notice",
    "approve_extension",
    "approve_return",
    "approve_suspension",
    "close_without_callback",
    "convene_consultation",
    "create_order",
    "decide_consultation",
    "dispatch",
    "escalate_instruction",
    "escalate_notice",
    "follow_calendar",
    "give_part",
    "give_view",
    "hand_down",
    "instruct",
    "issue_notice",
    "link_enterprise",
    "mark_difficult",
    "merge",
    "object_to_refusal",
    "record_callback",
    "redispatch",
    "refuse_extension",
    "refuse_return",
    "refuse_suspension",
    "reject_objection",
    "remind_view",
    "remote_late_report",
    "remote_progress",
    "reply",
    "request_extension",
    "request_material",
    "request_return",
    "request_suspension",
    "resume",
    "return_to_upper",
    "return_to_upstream",
    "run_deadline_watch",
    "run_instruction_watch",
    "run_notice_watch",
    "run_view_reminders",
    "send_back_reply",
    "send_to_hub",
    "sign_for",
    "sign_part",
    "sub_dispatch",
    "supervise",
    "supplement",
    "supply_material",
    "transfer_out",
    "undo_auto_dispatch",
    "uphold_objection",
    "urge",
    "void",
    "withdraw",
]
