"""The deadline watch: escalating notices, each exactly once, to the right people."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from civicdesk.catalogue.models import RequestType
from civicdesk.notifications.models import OutboxMessage
from civicdesk.orders import actions
from civicdesk.orders.models import DeadlineStage, OrderEvent, SupervisionNotice, WorkOrder
from civicdesk.orders.workflow import State
from civicdesk.org.models import User
from tests.world import World

SH = ZoneInfo("Asia/Shanghai")


def at(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2025, month, day, hour, minute, tzinfo=SH)


# An ordinary week: Mon 2025-11-03 .. Mon 11-10, no holiday.
DISPATCHED = at(11, 3, 10)
SIGN_DUE = at(11, 3, 12)  # 2 working hours
WARN = at(11, 4, 16)  # 0.4 working days before the deadline
DUE = at(11, 5, 10)  # an enquiry: 2 working days


def watch(moment: datetime) -> int:
    with time_machine.travel(moment, tick=False):
        return actions.run_deadline_watch()


def doing(moment: datetime, move: object, *args: object, **kwargs: object) -> WorkOrder:
    with time_machine.travel(moment, tick=False):
        return move(*args, **kwargs)  # type: ignore[operator]


def enquiry_at_village(w: World) -> WorkOrder:
    """Sent straight to the village: its handler is the unit; the town's head is above it."""
    with time_machine.travel(DISPATCHED, tick=False):
        order = w.new_order(request_type=RequestType.ENQUIRY)
        order = actions.dispatch(order, actor=w.dispatcher, lead_unit=w.village)
    assert (order.sign_due_at, order.handle_warn_at, order.handle_due_at) == (SIGN_DUE, WARN, DUE)
    return order


def notices(order: WorkOrder) -> list[tuple[str, int, datetime]]:
    return list(
        SupervisionNotice.objects.filter(order=order)
        .order_by("created_at", "pk")
        .values_list("stage", "level", "due_at")
    )


def told(notice: SupervisionNotice) -> set[User]:
    return {m.user for m in OutboxMessage.objects.filter(event=notice.event).select_related("user")}


def last_notice(order: WorkOrder) -> SupervisionNotice:
    return SupervisionNotice.objects.filter(order=order).latest("pk")


def test_it_escalates_an_overdue_order_level_by_level_to_wider_audiences(w: World) -> None:
    order = enquiry_at_village(w)
    doing(at(11, 3, 11), actions.sign_for, order, actor=w.village_handler)
    unit = {w.village_handler, w.operator}  # the unit, and the owner who took the call
    steps = [
        (at(11, 4, 15, 59), None, None),
        (WARN, 1, unit),
        (DUE, None, None),  # due, not yet overdue
        (at(11, 5, 10, 1), 2, unit | {w.town_head}),
        (at(11, 6, 9, 59), None, None),
        (at(11, 6, 10), 3, unit | {w.town_head, w.supervisor}),  # one working day late
        (at(11, 7, 17, 30), None, None),
        (at(11, 10, 10), 4, unit | {w.town_head, w.supervisor, w.leader}),  # three working days
    ]
    for moment, level, audience in steps:
        issued = watch(moment)
        assert issued == (0 if level is None else 1), moment
        if level is not None:
            notice = last_notice(order)
            assert (notice.stage, notice.level, notice.due_at) == (DeadlineStage.HANDLE, level, DUE)
            assert told(notice) == audience
            assert f"{level}级" in OutboxMessage.objects.filter(event=notice.event).first().text  # type: ignore[union-attr]
    assert [n[1] for n in notices(order)] == [1, 2, 3, 4]
    order.refresh_from_db()
    assert order.state == State.SIGNED
    assert (order.watch_level, order.supervision_level) == (4, 4)


def test_it_issues_nothing_new_on_a_second_run(w: World) -> None:
    order = enquiry_at_village(w)
    doing(at(11, 3, 11), actions.sign_for, order, actor=w.village_handler)
    for moment in (WARN, at(11, 5, 11), at(11, 10, 10)):
        assert watch(moment) == 1
        before = (OrderEvent.objects.count(), OutboxMessage.objects.count())
        assert watch(moment) == 0
        assert watch(moment.replace(minute=moment.minute + 1)) == 0
        assert (OrderEvent.objects.count(), OutboxMessage.objects.count()) == before
    assert watch(at(11, 28, 10)) == 0
    assert len(notices(order)) == 3


def test_it_jumps_straight_to_the_level_reached_when_it_first_looks(w: World) -> None:
    order = enquiry_at_village(w)
    doing(at(11, 3, 11), actions.sign_for, order, actor=w.village_handler)
    assert watch(at(11, 6, 11)) == 1
    assert notices(order) == [(DeadlineStage.HANDLE, 3, DUE)]


def test_it_gives_an_extended_deadline_its_own_notices(w: World) -> None:
    order = enquiry_at_village(w)
    doing(at(11, 3, 11), actions.sign_for, order, actor=w.village_handler)
    assert watch(WARN) == 1
    doing(
        at(11, 4, 16, 30),
        actions.request_extension,
        order,
        actor=w.village_handler,
        days=2,
        reason="需协调供水公司现场勘查",
    )
    order = doing(at(11, 4, 17), actions.approve_extension, order, actor=w.dispatcher)
    new_due, new_warn = at(11, 7, 10), at(11, 6, 16)
    assert (order.handle_due_at, order.handle_warn_at, order.watch_level) == (new_due, new_warn, 0)
    assert watch(at(11, 5, 10, 1)) == 0  # the old deadline passed: no longer the unit's
    assert watch(new_warn) == 1
    assert watch(at(11, 7, 10, 1)) == 1
    assert notices(order) == [
        (DeadlineStage.HANDLE, 1, DUE),
        (DeadlineStage.HANDLE, 1, new_due),
        (DeadlineStage.HANDLE, 2, new_due),
    ]


def test_it_chases_an_order_while_its_extension_waits_for_review(w: World) -> None:
    order = enquiry_at_village(w)
    doing(at(11, 3, 11), actions.sign_for, order, actor=w.village_handler)
    doing(at(11, 5, 9), actions.request_extension, order, actor=w.village_handler, days=1, reason="等待检测结果")
    assert watch(at(11, 5, 10, 1)) == 1
    assert notices(order) == [(DeadlineStage.HANDLE, 2, DUE)]


def test_it_leaves_a_suspended_order_alone_and_resumes_with_the_shifted_deadline(w: World) -> None:
    order = enquiry_at_village(w)
    doing(at(11, 3, 11), actions.sign_for, order, actor=w.village_handler)
    doing(
        at(11, 4, 9), actions.request_suspension, order, actor=w.village_handler, reason="当事双方已起诉，等待法院判决"
    )
    doing(at(11, 4, 9, 30), actions.approve_suspension, order, actor=w.dispatcher)
    for moment in (WARN, at(11, 5, 11), at(11, 10, 10), at(11, 20, 10)):
        assert watch(moment) == 0
    order = doing(at(11, 24, 9, 30), actions.resume, order, actor=w.dispatcher)
    # Paused from Tue 09:30 to Mon 11-24 09:30: every working minute of it is given back.
    assert order.handle_due_at == at(11, 25, 10)
    assert watch(at(11, 24, 16)) == 1
    assert notices(order) == [(DeadlineStage.HANDLE, 1, at(11, 25, 10))]


def test_it_leaves_a_replied_order_alone(w: World) -> None:
    order = enquiry_at_village(w)
    doing(at(11, 3, 11), actions.sign_for, order, actor=w.village_handler)
    doing(at(11, 4, 11), actions.reply, order, actor=w.village_handler, result="solved", text="已电话答复来电人。")
    assert watch(at(11, 10, 10)) == 0
    assert notices(order) == []


def test_it_tells_the_unit_and_its_heads_once_when_signing_for_is_late(w: World) -> None:
    order = enquiry_at_village(w)
    assert watch(SIGN_DUE) == 0
    assert watch(at(11, 3, 12, 1)) == 1
    notice = last_notice(order)
    assert (notice.stage, notice.level, notice.due_at) == (DeadlineStage.SIGN, 2, SIGN_DUE)
    assert told(notice) == {w.village_handler, w.town_head, w.operator}
    assert watch(at(11, 3, 15)) == 0
    order = doing(at(11, 3, 16), actions.sign_for, order, actor=w.village_handler)
    assert order.events.get(action="sign").data == {"on_time": False}
    assert watch(at(11, 4, 9)) == 0
    assert notices(order) == [(DeadlineStage.SIGN, 2, SIGN_DUE)]


def test_it_sends_no_sign_notice_when_the_unit_signed_in_time(w: World) -> None:
    order = enquiry_at_village(w)
    doing(at(11, 3, 11, 59), actions.sign_for, order, actor=w.village_handler)
    assert watch(at(11, 3, 15)) == 0


def test_it_gives_a_redispatched_order_a_fresh_sign_deadline_and_notice(w: World) -> None:
    order = enquiry_at_village(w)
    assert watch(at(11, 3, 13, 30)) == 1
    order = doing(
        at(11, 3, 14), actions.redispatch, order, actor=w.dispatcher, lead_unit=w.dept_a, reason="属住建部门职责"
    )
    assert order.sign_due_at == at(11, 3, 16)
    assert watch(at(11, 3, 15)) == 0
    assert watch(at(11, 3, 16, 1)) == 1
    notice = last_notice(order)
    assert (notice.stage, notice.due_at) == (DeadlineStage.SIGN, at(11, 3, 16))
    assert told(notice) == {w.handler_a, w.head_a, w.operator}


def test_it_counts_lateness_in_working_days_across_a_weekend(w: World) -> None:
    # Due Friday 10:00; Monday 09:59 is still less than one working day late.
    with time_machine.travel(at(11, 5, 10), tick=False):
        order = actions.sign_for(
            actions.dispatch(w.new_order(request_type=RequestType.ENQUIRY), actor=w.dispatcher, lead_unit=w.dept_a),
            actor=w.handler_a,
        )
    assert order.handle_due_at == at(11, 7, 10)
    assert watch(at(11, 10, 9, 59)) == 1
    assert notices(order)[-1][1] == 2
    assert watch(at(11, 10, 10)) == 1
    assert notices(order)[-1][1] == 3


@pytest.mark.parametrize("state_move", ["void", "answer"])
def test_it_ignores_orders_no_unit_holds(w: World, state_move: str) -> None:
    order = w.new_order()
    with time_machine.travel(DISPATCHED, tick=False):
        if state_move == "void":
            actions.void(order, actor=w.dispatcher, reason="测试电话")
        else:
            actions.answer_immediately(order, actor=w.operator, answer="已告知办理流程。")
    assert watch(at(12, 30, 10)) == 0
