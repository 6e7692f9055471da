"""Shared by the table-driven tests: how to make each move of the workflow table with
valid input, and how to tell that a refused move wrote nothing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from civicdesk.notifications.models import OutboxMessage
from civicdesk.orders import actions, clock
from civicdesk.orders.actions.base import check_move, locked_order, record
from civicdesk.orders.actions.remote import Report
from civicdesk.orders.models import Assignment, OrderEvent, SupervisionNotice, WorkOrder
from civicdesk.org.models import OrgUnit, Role, UnitKind, User
from tests.world import World

# A move ready to run: give it the acting user, it makes the move.
Runner = Callable[[User | None], WorkOrder]


def _deadline_notice(order: WorkOrder) -> Runner:
    # The deadline watch's notice has no action function of its own: it is the sweep's
    # check_move/record pair (civicdesk.orders.actions.supervision.issue_deadline_notice).
    def run(actor: User | None) -> WorkOrder:
        with locked_order(order.pk) as o:
            check_move(o, "deadline_notice", actor)
            record(o, "deadline_notice", actor, data={"stage": "handle", "level": 1})
        return o

    return run


def _follow_calendar(order: WorkOrder) -> Runner:
    # Like the notice: the calendar change's check_move/record pair for one order
    # (civicdesk.orders.actions.calendar.follow_calendar), here with nothing moved.
    def run(actor: User | None) -> WorkOrder:
        with locked_order(order.pk) as o:
            check_move(o, "follow_calendar", actor)
            record(o, "follow_calendar", actor, note="工作日历调整", data={"moved": {}, "days": []})
        return o

    return run


def lower_hub(w: World) -> tuple[OrgUnit, User]:
    """A hub below the world's hub, with its own dispatcher (orders are handed down to it)."""
    unit, _ = OrgUnit.objects.get_or_create(
        code="sd-hub",
        defaults={"name": "石岛管理区服务中心", "kind": UnitKind.CENTER, "parent": w.hub, "is_hub": True},
    )
    dispatcher = User.objects.filter(username="sd_dispatcher").first() or w.person(
        "sd_dispatcher", "石岛派单员", (unit, Role.DISPATCHER)
    )
    return unit, dispatcher


def handed_down(w: World) -> WorkOrder:
    unit, _ = lower_hub(w)
    return actions.hand_down(w.pending(), actor=w.dispatcher, lower_hub=unit)


def remote_hub(w: World) -> OrgUnit:
    """A hub below the world's hub that runs its own installation (orders reach it by its API)."""
    unit, _ = OrgUnit.objects.get_or_create(
        code="nl-remote",
        defaults={
            "name": "南岭县12345（独立系统）",
            "kind": UnitKind.CENTER,
            "parent": w.hub,
            "is_hub": True,
            "remote": True,
        },
    )
    return unit


def handed_to_remote(w: World) -> WorkOrder:
    return actions.hand_down(w.pending(), actor=w.dispatcher, lower_hub=remote_hub(w))


def voided_at_remote(w: World) -> WorkOrder:
    """An order handed to a remote hub that the hub above voided meanwhile (its reports come late)."""
    return actions.void(handed_to_remote(w), actor=w.dispatcher, reason="与另一工单重复")


def from_platform(w: World) -> WorkOrder:
    """An order that came from an upstream platform (民心网), waiting for dispatch."""
    return w.pending(channel="provincial", upstream_platform="minxin", upstream_id="MX-TEST-1")


def _escalate_instruction(order: WorkOrder) -> Runner:
    # The sweep's move (civicdesk.orders.actions.instruction), once the instruction is overdue.
    def run(actor: User | None) -> WorkOrder:
        # Just past the deadline, when there is one (without, the state refuses the move first).
        due = WorkOrder.objects.get(pk=order.pk).instruction_due_at
        with clock.running_at(due + timedelta(minutes=1) if due else clock.now()):
            return actions.escalate_instruction(order, actor=actor)

    return run


def _escalate_notice(order: WorkOrder) -> Runner:
    # The sweep's move (civicdesk.orders.actions.notices), once the notice is overdue.
    def run(actor: User | None) -> WorkOrder:
        due = WorkOrder.objects.get(pk=order.pk).notice_due_at
        with clock.running_at(due + timedelta(minutes=1) if due else clock.now()):
            return actions.escalate_notice(order, actor=actor)

    return run


def runner(w: World, action: str, order: WorkOrder) -> Runner:
    """Everything the move needs besides the actor is prepared here, before any snapshot,
    so that what the move itself writes can be told apart."""
    if action == "merge":
        parent = w.dispatched(title="同一路段坑洼（主单）")
        return lambda actor: actions.merge(order, actor=actor, into=parent)  # type: ignore[arg-type]
    if action == "deadline_notice":
        return _deadline_notice(order)
    if action == "follow_calendar":
        return _follow_calendar(order)
    if action == "hand_down":
        unit, _ = lower_hub(w)
        return lambda actor: actions.hand_down(order, actor=actor, lower_hub=unit)  # type: ignore[arg-type]
    if action == "escalate_instruction":
        return _escalate_instruction(order)
    if action == "escalate_notice":
        return _escalate_notice(order)
    call: dict[str, Callable[[Any], WorkOrder]] = {
        "return_to_upper": lambda a: actions.return_to_upper(order, actor=a, reason="不属本中心辖区"),
        "return_to_upstream": lambda a: actions.return_to_upstream(order, actor=a, reason="不属本市辖区"),
        "remote_progress": lambda a: actions.remote_progress(
            order, actor=a, report=Report(key="test:1", kind="signed", unit="南岭县交通运输局")
        ),
        "remote_late_report": lambda a: actions.remote_late_report(
            order, actor=a, report=Report(key="test:late", kind="replied", reply="已修复护栏。")
        ),
        "answer": lambda a: actions.answer_immediately(order, actor=a, answer="已告知办理流程。"),
        "send_to_hub": lambda a: actions.send_to_hub(order, actor=a),
        "dispatch": lambda a: actions.dispatch(order, actor=a, lead_unit=w.dept_b),
        "undo_auto_dispatch": lambda a: actions.undo_auto_dispatch(order, actor=a, reason="模型派错，转人工"),
        "redispatch": lambda a: actions.redispatch(order, actor=a, lead_unit=w.dept_b, reason="属市场监管职责"),
        "sign": lambda a: actions.sign_for(order, actor=a),
        "sign_part": lambda a: actions.sign_part(order, actor=a),
        "sub_dispatch": lambda a: actions.sub_dispatch(order, actor=a, sub_unit=w.village),
        "request_return": lambda a: actions.request_return(order, actor=a, reason="不属本单位职责"),
        "approve_return": lambda a: actions.approve_return(order, actor=a),
        "refuse_return": lambda a: actions.refuse_return(order, actor=a, reason="属本单位职责"),
        "object_to_refusal": lambda a: actions.object_to_refusal(order, actor=a, reason="有职责清单为证"),
        "uphold_objection": lambda a: actions.uphold_objection(order, actor=a),
        "reject_objection": lambda a: actions.reject_objection(order, actor=a, reason="职责清单明确属本单位"),
        "request_extension": lambda a: actions.request_extension(order, actor=a, days=3, reason="需协调"),
        "approve_extension": lambda a: actions.approve_extension(order, actor=a),
        "refuse_extension": lambda a: actions.refuse_extension(order, actor=a, reason="理由不足"),
        "request_suspension": lambda a: actions.request_suspension(order, actor=a, reason="等待判决"),
        "approve_suspension": lambda a: actions.approve_suspension(order, actor=a),
        "refuse_suspension": lambda a: actions.refuse_suspension(order, actor=a, reason="无需挂起"),
        "resume": lambda a: actions.resume(order, actor=a),
        "give_part": lambda a: actions.give_part(order, actor=a, text="已配合现场核查。"),
        "request_material": lambda a: actions.request_material(order, actor=a, reason="请补充现场照片。"),
        "supply_material": lambda a: actions.supply_material(order, actor=a, note="来电人已补充现场照片。"),
        "reply": lambda a: actions.reply(order, actor=a, result="solved", text="已修复。"),
        "accept_reply": lambda a: actions.accept_reply(order, actor=a),
        "send_back_reply": lambda a: actions.send_back_reply(order, actor=a, reason="答复不完整"),
        "record_callback": lambda a: actions.record_callback(order, actor=a, solved="solved", satisfaction="satisfied"),
        "close_without_callback": lambda a: actions.close_without_callback(order, actor=a, reason="多次联系未接通"),
        "void": lambda a: actions.void(order, actor=a, reason="测试电话"),
        "mark_difficult": lambda a: actions.mark_difficult(order, actor=a, reason="多部门职责交叉"),
        "remind_view": lambda a: actions.remind_view(order, actor=a, unit=w.dept_a),
        "convene_consultation": lambda a: actions.convene_consultation(
            order, actor=a, units=[w.dept_a, w.dept_b], reason="职责不清，召集会商"
        ),
        "give_view": lambda a: actions.give_view(order, actor=a, text="该路段由本单位管养。"),
        "decide_consultation": lambda a: actions.decide_consultation(
            order, actor=a, lead_unit=w.dept_a, assisting_units=[w.dept_b], decision="由住建局主办，市监局协办。"
        ),
        "withdraw": lambda a: actions.withdraw(
            order, actor=a, reason="问题已自行解决。", via="portal" if a is None else "phone"
        ),
        "transfer_out": lambda a: actions.transfer_out(order, actor=a, route="119", told_caller="已告知拨打119。"),
        "issue_notice": lambda a: actions.issue_notice(order, actor=a, text="请立即修复并书面说明。"),
        "answer_notice": lambda a: actions.answer_notice(order, actor=a, text="已于当日修复，并加强巡查。"),
        "instruct": lambda a: actions.instruct(order, actor=a, text="请尽快修复，确保安全。"),
        "acknowledge_instruction": lambda a: actions.acknowledge_instruction(order, actor=a),
        "supervise": lambda a: actions.supervise(order, actor=a, note="请加快办理。"),
        "supplement": lambda a: actions.supplement(order, actor=a, text="来电人补充：坑洼旁有井盖松动。"),
        "urge": lambda a: actions.urge(order, actor=a, note="来电人再次来电，催促尽快处理。"),
    }
    return call[action]


def snapshot(order: WorkOrder) -> dict[str, object]:
    """What a move could have written, for comparing before and after a refused move."""
    row = WorkOrder.objects.values().get(pk=order.pk)
    return {
        "order": row,
        "events": list(OrderEvent.objects.filter(order_id=order.pk).values_list("pk", flat=True)),
        "all_events": OrderEvent.objects.count(),
        "outbox": OutboxMessage.objects.count(),
        "assignments": list(Assignment.objects.filter(order_id=order.pk).order_by("pk").values()),
        "notices": SupervisionNotice.objects.count(),
    }
