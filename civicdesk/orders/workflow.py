"""The lifecycle of a work order as data: states, and every move with who may make it.

Every state change in the system goes through one row of MOVES (see orders.actions), so
this table is the whole answer to "what can happen to an order, and who can do it".
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import models
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class State(models.TextChoices):
    RECEIVED = "received", _("已受理")
    ANSWERED = "answered", _("即时办结")
    PENDING_DISPATCH = "pending_dispatch", _("待派单")
    DISPATCHED = "dispatched", _("已派单")
    SIGNED = "signed", _("已签收")
    RETURN_REQUESTED = "return_requested", _("退单审核中")
    # 退单异议: the unit objected to a refused return; a second level rules finally.
    OBJECTION_REVIEW = "objection_review", _("退单异议复核中")
    EXTENSION_REQUESTED = "extension_requested", _("延期审核中")
    SUSPENSION_REQUESTED = "suspension_requested", _("挂起审核中")
    SUSPENDED = "suspended", _("挂起")
    REPLIED = "replied", _("已答复")
    AWAITING_CALLBACK = "awaiting_callback", _("待回访")
    REWORK = "rework", _("重办")
    CLOSED = "closed", _("已办结")
    MERGED = "merged", _("已并单")
    VOID = "void", _("已作废")
    TRANSFERRED = "transferred", _("已转出")
    # 疑难件会商: the hub has convened the units concerned; their views are due.
    CONSULTING = "consulting", _("会商中")
    # The citizen took the request back before a reply (撤销): by phone, the portal or the API.
    WITHDRAWN = "withdrawn", _("已撤销")


class Side(enum.Enum):
    """Whose move it is. Permission checks (orders.permissions) turn a side into roles
    held in particular units of this order."""

    INTAKE = "intake"  # operators of the order's hub (and liaison officers for their firms)
    HUB = "hub"  # dispatchers of the order's hub
    LEAD_UNIT = "lead_unit"  # handlers / unit heads of the lead unit or a unit above it
    ASSISTING_UNIT = "assisting_unit"  # handlers / unit heads of an active assisting unit
    CALLBACK = "callback"  # callback agents of the hub
    SUPERVISION = "supervision"  # supervisors of the hub
    LEADER = "leader"  # leaders of the hub (or a hub above it): 领导批示
    CONSULTED_UNIT = "consulted_unit"  # handlers / unit heads of a unit convened to a consultation
    # The second level on a unit's objection to a refused return: the roles named by
    # settings.CIVICDESK_OBJECTION_REVIEWERS at the order's hub or a hub above it.
    OBJECTION_REVIEWER = "objection_reviewer"
    SYSTEM = "system"  # the worker's sweeps and integrations acting without a person


S = State
TERMINAL = frozenset({S.ANSWERED, S.CLOSED, S.MERGED, S.VOID, S.TRANSFERRED, S.WITHDRAWN})
# States in which a unit holds the order and its handling clock runs (or is paused).
WITH_UNIT = frozenset(
    {
        S.DISPATCHED,
        S.SIGNED,
        S.RETURN_REQUESTED,
        S.OBJECTION_REVIEW,
        S.EXTENSION_REQUESTED,
        S.SUSPENSION_REQUESTED,
        S.SUSPENDED,
        S.REWORK,
    }
)
# States the deadline watch cares about: the unit still owes a reply.
WATCHED = WITH_UNIT - {S.SUSPENDED}
OPEN = frozenset(State) - TERMINAL
# A review returns the order to wherever it was when the request was made.
_HANDLING = frozenset({S.SIGNED, S.REWORK})


@dataclass(frozen=True)
class Move:
    label: StrOrPromise  # translated when shown
    sources: frozenset[State]
    # Most moves have one target; a review may go to several (the action picks one).
    # None means the move leaves the state unchanged (a part, a note, a supervision).
    targets: frozenset[State] | None
    sides: frozenset[Side]

    def allows(self, source: str, target: str) -> bool:
        if source not in self.sources:
            return False
        if self.targets is None:
            return target == source
        return target in self.targets


def _m(label: StrOrPromise, sources: Iterable[State], targets: Iterable[State] | None, *sides: Side) -> Move:
    return Move(label, frozenset(sources), None if targets is None else frozenset(targets), frozenset(sides))


HUB, INTAKE, LEAD, ASSIST = Side.HUB, Side.INTAKE, Side.LEAD_UNIT, Side.ASSISTING_UNIT
_NEW = {S.RECEIVED, S.PENDING_DISPATCH}
_MERGEABLE = {S.RECEIVED, S.PENDING_DISPATCH, S.DISPATCHED, S.SIGNED}
# A citizen may take the request back until a unit has replied (a rework is unreplied again).
_UNREPLIED = _NEW | WITH_UNIT | {S.CONSULTING}
# Where an order handed down to a remote hub can be, as its reports move it.
# (Awaiting this side's callback when the hub pair leaves the callback to the upper hub.)
_REMOTE = {S.PENDING_DISPATCH, S.SIGNED, S.EXTENSION_REQUESTED, S.REPLIED, S.AWAITING_CALLBACK, S.REWORK}
# The hub may convene a consultation on an order it has not yet sent again, or one a unit holds.
_CONSULTABLE = _NEW | {S.DISPATCHED, S.SIGNED, S.RETURN_REQUESTED, S.REWORK}

MOVES: dict[str, Move] = {
    "answer": _m(_("即时答复"), {S.RECEIVED}, {S.ANSWERED}, INTAKE, HUB),
    "send_to_hub": _m(_("提交派单"), {S.RECEIVED}, {S.PENDING_DISPATCH}, INTAKE),
    # SYSTEM: the dispatch model's auto-dispatch (civicdesk.routing.actions), per category above a threshold.
    "dispatch": _m(_("派单"), _NEW, {S.DISPATCHED}, HUB, INTAKE, Side.SYSTEM),
    # The hub takes back an auto-dispatch the unit has not signed for yet.
    "undo_auto_dispatch": _m(_("撤销自动派单"), {S.DISPATCHED}, {S.PENDING_DISPATCH}, HUB),
    "redispatch": _m(_("改派"), {S.DISPATCHED, S.SIGNED}, {S.DISPATCHED}, HUB),
    # A hub hands the order to a hub below it: it lands in that hub's dispatch queue
    # (made by dispatch / redispatch when the unit chosen is a hub).
    "hand_down": _m(_("下转下级中心"), _NEW | {S.DISPATCHED, S.SIGNED}, {S.PENDING_DISPATCH}, HUB, INTAKE),
    # The lower hub hands a wrong hand-off back up, with the reason; the upper hub decides
    # (approve_return / refuse_return), like a unit's return.
    "return_to_upper": _m(_("退回上级中心"), {S.PENDING_DISPATCH}, {S.RETURN_REQUESTED}, HUB),
    # A hub hands a wrong hand-off from an upstream platform (民心网, or the CivicDesk of the
    # level above) back to it with the reason (退回上级平台): it leaves this system; the
    # platform is told (civicdesk.upstream) and decides where it goes next.
    "return_to_upstream": _m(_("退回上级平台"), _NEW, {S.TRANSFERRED}, HUB),
    # The progress of an order handed down to a hub on another installation (a remote hub),
    # as that system reports it (civicdesk.upstream): one event per reported move, once.
    "remote_progress": _m(_("下级系统进展"), _REMOTE, _REMOTE | {S.CLOSED, S.WITHDRAWN}, Side.SYSTEM),
    # A report from that system that comes after the order left it here (closed, voided,
    # withdrawn, taken back): taken once, its text kept on the timeline, nothing moved.
    "remote_late_report": _m(_("下级系统迟到回报"), set(State), None, Side.SYSTEM),
    "sign": _m(_("签收"), {S.DISPATCHED}, {S.SIGNED}, LEAD),
    "sign_part": _m(_("协办签收"), WITH_UNIT, None, ASSIST),
    "sub_dispatch": _m(_("下派"), {S.SIGNED}, {S.DISPATCHED}, LEAD),
    "request_return": _m(_("申请退单"), {S.DISPATCHED, S.SIGNED}, {S.RETURN_REQUESTED}, LEAD),
    "approve_return": _m(_("同意退单"), {S.RETURN_REQUESTED}, {S.PENDING_DISPATCH, S.DISPATCHED}, HUB),
    "refuse_return": _m(_("驳回退单"), {S.RETURN_REQUESTED}, {S.DISPATCHED, S.SIGNED, S.PENDING_DISPATCH}, HUB),
    "request_extension": _m(_("申请延期"), set(_HANDLING), {S.EXTENSION_REQUESTED}, LEAD),
    # 退单异议 (civicdesk.orders.actions.objection): once per unit and order, right after a refusal.
    "object_to_refusal": _m(_("提出退单异议"), {S.DISPATCHED, S.SIGNED}, {S.OBJECTION_REVIEW}, LEAD),
    "uphold_objection": _m(
        _("支持退单异议"), {S.OBJECTION_REVIEW}, {S.PENDING_DISPATCH, S.DISPATCHED}, Side.OBJECTION_REVIEWER
    ),
    "reject_objection": _m(_("驳回退单异议"), {S.OBJECTION_REVIEW}, {S.DISPATCHED, S.SIGNED}, Side.OBJECTION_REVIEWER),
    # SYSTEM: the upstream platform's answer to an extension past its deadline (civicdesk.upstream).
    "approve_extension": _m(_("同意延期"), {S.EXTENSION_REQUESTED}, set(_HANDLING), HUB, Side.SYSTEM),
    "refuse_extension": _m(_("驳回延期"), {S.EXTENSION_REQUESTED}, set(_HANDLING), HUB, Side.SYSTEM),
    "request_suspension": _m(_("申请挂起"), set(_HANDLING), {S.SUSPENSION_REQUESTED}, LEAD),
    "approve_suspension": _m(_("同意挂起"), {S.SUSPENSION_REQUESTED}, {S.SUSPENDED}, HUB),
    "refuse_suspension": _m(_("驳回挂起"), {S.SUSPENSION_REQUESTED}, set(_HANDLING), HUB),
    "resume": _m(_("恢复办理"), {S.SUSPENDED}, set(_HANDLING), HUB, LEAD),
    "give_part": _m(_("提交协办意见"), WITH_UNIT - {S.SUSPENDED}, None, ASSIST),
    # 补正 (civicdesk.orders.actions.material): an assisting unit asks once for more material,
    # which pauses its own part's clock only; the material in (recorded at intake — the company's
    # liaison officer — or by the hub) restarts it.
    "request_material": _m(_("要求补正材料"), WITH_UNIT - {S.SUSPENDED}, None, ASSIST),
    "supply_material": _m(_("补正材料到位"), WITH_UNIT, None, INTAKE, HUB),
    "reply": _m(_("答复"), set(_HANDLING), {S.REPLIED}, LEAD),
    "accept_reply": _m(_("审核通过"), {S.REPLIED}, {S.AWAITING_CALLBACK}, HUB),
    "send_back_reply": _m(_("审核退回"), {S.REPLIED}, set(_HANDLING), HUB),
    "record_callback": _m(_("回访"), {S.AWAITING_CALLBACK}, {S.CLOSED, S.REWORK}, Side.CALLBACK, Side.SYSTEM),
    # SYSTEM: the upstream platform that calls back for this order closed it so (civicdesk.upstream).
    "close_without_callback": _m(_("免回访办结"), {S.AWAITING_CALLBACK}, {S.CLOSED}, Side.CALLBACK, HUB, Side.SYSTEM),
    "merge": _m(_("并单"), _MERGEABLE, {S.MERGED}, HUB),
    # 疑难件会商 (civicdesk.orders.actions.consultation): an order that bounced between units, or
    # that the hub marked difficult, goes to the units concerned for their views; the hub's
    # decision fixes lead and assisting units and binds them (they can no longer return it).
    "mark_difficult": _m(_("标记疑难件"), _CONSULTABLE, None, HUB),
    "convene_consultation": _m(_("发起会商"), _CONSULTABLE, {S.CONSULTING}, HUB),
    "give_view": _m(_("提交会商意见"), {S.CONSULTING}, None, Side.CONSULTED_UNIT),
    "decide_consultation": _m(_("会商决定"), {S.CONSULTING}, {S.DISPATCHED}, HUB),
    # The worker's sweep reminds a convened unit whose view falls due soon, once per view.
    "remind_view": _m(_("会商意见到期提醒"), {S.CONSULTING}, None, Side.SYSTEM),
    # Also once dispatched: the units holding it are told to stop (civicdesk.notifications).
    # SYSTEM: the upstream platform voided its order (civicdesk.upstream's door), never without it.
    "void": _m(_("作废"), _NEW | WITH_UNIT | {S.CONSULTING}, {S.VOID}, HUB, Side.SYSTEM),
    # INTAKE: an operator taking the citizen's call, or an API client with that role;
    # SYSTEM: the portal, once the citizen proved the order is theirs as for tracking, or the
    # upstream platform passing on its citizen's withdrawal (civicdesk.upstream's door).
    "withdraw": _m(_("撤销诉求"), _UNREPLIED, {S.WITHDRAWN}, INTAKE, Side.SYSTEM),
    "transfer_out": _m(_("转出"), _NEW, {S.TRANSFERRED}, INTAKE, HUB),
    # SYSTEM: the upstream platform's 督办 on its order (civicdesk.upstream's door), never without it.
    "supervise": _m(_("督办"), set(WITH_UNIT) | {S.REPLIED}, None, Side.SUPERVISION, Side.SYSTEM),
    # 领导批示 (civicdesk.orders.actions.instruction): the lead unit must acknowledge it by a
    # working-time deadline and its reply must answer it; the sweep escalates an overdue one.
    "instruct": _m(_("领导批示"), set(WITH_UNIT), None, Side.LEADER),
    "acknowledge_instruction": _m(_("签收批示"), set(WITH_UNIT), None, LEAD),
    "escalate_instruction": _m(_("批示超期催办"), set(WITH_UNIT), None, Side.SYSTEM),
    # 督办单 (civicdesk.orders.actions.notices): numbered per year, a written answer due by a
    # working-time deadline; the sweep escalates an unanswered one.
    "issue_notice": _m(_("下发督办单"), set(WITH_UNIT), None, Side.SUPERVISION),
    "answer_notice": _m(_("答复督办单"), set(WITH_UNIT) | {S.REPLIED}, None, LEAD),
    "escalate_notice": _m(_("督办单超期"), set(WITH_UNIT) | {S.REPLIED}, None, Side.SYSTEM),
    "deadline_notice": _m(_("时限预警"), set(WATCHED), None, Side.SYSTEM),
    "supplement": _m(_("补充信息"), set(OPEN), None, INTAKE, HUB, Side.SYSTEM),
    # 催办: the caller chases an open order — by phone (an operator records it), on the portal
    # (SYSTEM: the citizen verified like tracking) or through the API (an operator's token).
    "urge": _m(_("催办"), set(OPEN), None, INTAKE, HUB, Side.SYSTEM),
    # A change of the working calendar moves the running deadlines (civicdesk.orders.actions.calendar).
    "follow_calendar": _m(_("随工作日历调整时限"), set(WITH_UNIT) | {S.AWAITING_CALLBACK}, None, Side.SYSTEM),
}

# The first event of every order; it has no source state.
CREATE = "create"
CREATE_LABEL = _("受理")


def label(action: str) -> str:
    """The move's name in the language of the moment."""
    return str(CREATE_LABEL if action == CREATE else MOVES[action].label)


def replay(events: list[tuple[str, str, str]]) -> str:
    """The state an order must be in after its events (action, from, to), checking that
    every event is a move the table allows. Raises ValueError on an impossible history."""
    state = ""
    for index, (action, source, target) in enumerate(events):
        if index == 0:
            if action != CREATE or source != "" or target != S.RECEIVED:
                raise ValueError(f"history does not start with {CREATE}: {action}")
        else:
            if source != state:
                raise ValueError(f"event {index} ({action}) starts from {source}, order was {state}")
            move = MOVES.get(action)
            if move is None or not move.allows(source, target):
                raise ValueError(f"event {index}: {action} from {source} to {target} is not allowed")
        state = target
    return state
