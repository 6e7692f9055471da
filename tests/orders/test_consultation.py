"""疑难件会商: the hub convenes the units an order bounced between (or a difficult order's
units), each states its view by a working-time deadline, and the hub's decision fixes lead
and assisting units and binds them."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from civicdesk.notifications.models import OutboxMessage
from civicdesk.orders import actions
from civicdesk.orders.errors import InvalidInput, InvalidTransition, PermissionDenied
from civicdesk.orders.models import Assignment, AssignmentRole, OrderEvent, WorkOrder
from civicdesk.orders.queues import unit_inbox
from civicdesk.orders.workflow import State
from tests.world import World

SH = ZoneInfo("Asia/Shanghai")
FRIDAY_AFTERNOON = datetime(2025, 11, 7, 15, 0, tzinfo=SH)
MONDAY_AFTERNOON = datetime(2025, 11, 10, 15, 0, tzinfo=SH)


def _seats(order: WorkOrder) -> list[Assignment]:
    return list(Assignment.objects.filter(order=order, role=AssignmentRole.CONSULT).order_by("pk"))


def test_an_order_that_never_bounced_needs_marking_difficult_first(w: World) -> None:
    order = w.signed()

    with pytest.raises(InvalidInput) as caught:
        actions.convene_consultation(order, actor=w.dispatcher, units=[w.dept_a, w.dept_b], reason="职责不清")

    assert "未在单位间往返，也未标记为疑难件" in caught.value.message
    order = actions.mark_difficult(order, actor=w.dispatcher, reason="涉及产权与管养职责交叉")
    assert order.difficult
    order = actions.convene_consultation(order, actor=w.dispatcher, units=[w.dept_a, w.dept_b], reason="职责不清")
    assert order.state == State.CONSULTING


def test_marking_difficult_twice_is_refused(w: World) -> None:
    order = actions.mark_difficult(w.signed(), actor=w.dispatcher, reason="疑难")

    with pytest.raises(InvalidInput):
        actions.mark_difficult(order, actor=w.dispatcher, reason="疑难")


def test_convening_takes_the_order_from_its_unit_and_seats_the_convened(w: World) -> None:
    order = w.bounced()
    assert order.bounce_count == 1

    with time_machine.travel(FRIDAY_AFTERNOON, tick=False):
        order = actions.convene_consultation(
            order, actor=w.dispatcher, units=[w.dept_a, w.dept_b, w.dept_c], reason="三个单位都说不归自己", days=1
        )

    assert order.state == State.CONSULTING
    lead = Assignment.objects.get(
        order=order, role=AssignmentRole.LEAD, unit=w.dept_a, active=False, end_reason="consulting"
    )
    assert lead.ended_at is not None
    seats = _seats(order)
    assert [s.unit for s in seats] == [w.dept_a, w.dept_b, w.dept_c]
    # One working day from a Friday afternoon is the next Monday afternoon: the weekend does not count.
    assert {s.part_due_at for s in seats} == {MONDAY_AFTERNOON}
    event = OrderEvent.objects.get(order=order, action="convene_consultation")
    assert event.data["units"] == [w.dept_a.pk, w.dept_b.pk, w.dept_c.pk]
    assert event.data["held_by"] == [w.dept_a.pk]


def test_it_needs_two_to_ten_distinct_units_of_the_hub(w: World) -> None:
    order = w.bounced()

    with pytest.raises(InvalidInput) as one:
        actions.convene_consultation(order, actor=w.dispatcher, units=[w.dept_a], reason="会商")
    with pytest.raises(InvalidInput) as twice:
        actions.convene_consultation(order, actor=w.dispatcher, units=[w.dept_a, w.dept_a], reason="会商")
    with pytest.raises(InvalidInput) as hub:
        actions.convene_consultation(order, actor=w.dispatcher, units=[w.dept_a, w.hub], reason="会商")
    with pytest.raises(InvalidInput) as days:
        actions.convene_consultation(order, actor=w.dispatcher, units=[w.dept_a, w.dept_b], reason="会商", days=11)

    assert "units" in one.value.fields
    assert "重复" in twice.value.fields["units"]
    assert "不是本中心的承办单位" in hub.value.fields["units"]
    assert "days" in days.value.fields
    order.refresh_from_db()
    assert order.state == State.DISPATCHED


def test_the_convened_units_hear_of_it_with_the_deadline(w: World) -> None:
    order = w.consulting()

    event = OrderEvent.objects.get(order=order, action="convene_consultation")
    told = OutboxMessage.objects.filter(event=event, medium="inbox")
    assert {"handler_a", "head_a", "handler_b"} <= set(told.values_list("user__username", flat=True))
    assert all("请于" in m.text and "前提交会商意见" in m.text for m in told if m.user != w.operator)


def test_a_convened_unit_finds_it_in_its_inbox_until_it_gave_its_view(w: World) -> None:
    order = w.consulting()
    assert unit_inbox(w.handler_b).filter(pk=order.pk).exists()
    assert not unit_inbox(w.handler_c).filter(pk=order.pk).exists()

    actions.give_view(order, actor=w.handler_b, text="属住建职责。")

    assert not unit_inbox(w.handler_b).filter(pk=order.pk).exists()


def test_each_convened_unit_states_its_view_once(w: World) -> None:
    order = w.consulting()

    order = actions.give_view(order, actor=w.handler_b, text="该路段属住建管养，不属市场监管。")

    seat = Assignment.objects.get(order=order, role=AssignmentRole.CONSULT, unit=w.dept_b)
    assert seat.part_text == "该路段属住建管养，不属市场监管。"
    event = OrderEvent.objects.get(order=order, action="give_view")
    assert event.data == {"unit": w.dept_b.pk, "on_time": True, "all_views_in": False}
    assert OutboxMessage.objects.filter(event=event, user=w.dispatcher).exists()
    with pytest.raises(InvalidInput) as caught:
        actions.give_view(order, actor=w.handler_b, text="再补充一点")
    assert caught.value.message == "市市场监督管理局 已提交会商意见。"


def test_a_view_after_its_deadline_is_marked_late(w: World) -> None:
    with time_machine.travel(FRIDAY_AFTERNOON, tick=False):
        order = actions.convene_consultation(
            w.bounced(), actor=w.dispatcher, units=[w.dept_a, w.dept_b], reason="会商", days=1
        )
    with time_machine.travel(datetime(2025, 11, 11, 10, 0, tzinfo=SH), tick=False):
        actions.give_view(order, actor=w.handler_a, text="不属本单位。")

    assert OrderEvent.objects.get(order=order, action="give_view").data["on_time"] is False


def test_only_a_convened_unit_gives_a_view(w: World) -> None:
    order = w.consulting()

    with pytest.raises(PermissionDenied):
        actions.give_view(order, actor=w.handler_c, text="我们也有意见")


def test_the_decision_waits_for_every_view_or_the_deadline(w: World) -> None:
    with time_machine.travel(FRIDAY_AFTERNOON, tick=False):
        order = actions.convene_consultation(
            w.bounced(), actor=w.dispatcher, units=[w.dept_a, w.dept_b], reason="会商", days=1
        )
        order = actions.give_view(order, actor=w.handler_a, text="不属本单位。")
        with pytest.raises(InvalidInput) as caught:
            actions.decide_consultation(order, actor=w.dispatcher, lead_unit=w.dept_a, decision="住建主办")
    assert "市市场监督管理局 尚未提交会商意见" in caught.value.message
    assert "2025-11-10 15:00" in caught.value.message

    with time_machine.travel(datetime(2025, 11, 10, 15, 1, tzinfo=SH), tick=False):
        order = actions.decide_consultation(order, actor=w.dispatcher, lead_unit=w.dept_a, decision="住建主办")

    assert order.state == State.DISPATCHED
    assert OrderEvent.objects.get(order=order, action="decide_consultation").data["views_missing"] == [w.dept_b.pk]


def test_the_decision_sends_the_order_to_the_decided_units_with_a_fresh_deadline(w: World) -> None:
    order = w.consulting()
    order = actions.give_view(order, actor=w.handler_a, text="不属本单位。")
    order = actions.give_view(order, actor=w.handler_b, text="属住建。")
    old_due = order.handle_due_at

    order = actions.decide_consultation(
        order,
        actor=w.dispatcher,
        lead_unit=w.dept_a,
        assisting_units=[w.dept_b],
        decision="经会商，由住建局主办，市场监管局协办。",
    )

    assert order.state == State.DISPATCHED
    assert order.lead_unit == w.dept_a
    assert order.handle_due_at is not None and old_due is not None and order.handle_due_at >= old_due
    active = Assignment.objects.filter(order=order, active=True)
    assert {(a.unit_id, a.role) for a in active} == {
        (w.dept_a.pk, AssignmentRole.LEAD),
        (w.dept_b.pk, AssignmentRole.ASSIST),
    }
    assert set(
        Assignment.objects.filter(order=order, role=AssignmentRole.CONSULT).values_list("end_reason", flat=True)
    ) == {"consulted"}
    event = OrderEvent.objects.get(order=order, action="decide_consultation")
    assert event.data["binding"] is True
    assert event.note == "经会商，由住建局主办，市场监管局协办。"
    told = set(OutboxMessage.objects.filter(event=event, medium="inbox").values_list("user__username", flat=True))
    assert {"handler_a", "head_a", "handler_b"} <= told


def test_the_decided_units_can_no_longer_return_it(w: World) -> None:
    order = w.consulting()
    order = actions.give_view(order, actor=w.handler_a, text="不属本单位。")
    order = actions.give_view(order, actor=w.handler_b, text="属住建。")
    order = actions.decide_consultation(order, actor=w.dispatcher, lead_unit=w.dept_a, decision="住建主办")
    order = actions.sign_for(order, actor=w.handler_a)

    with pytest.raises(InvalidInput) as caught:
        actions.request_return(order, actor=w.handler_a, reason="仍认为不属本单位")

    assert "会商决定具有约束力，不能退单" in caught.value.fields["reason"]
    order.refresh_from_db()
    assert order.state == State.SIGNED


def test_the_binding_holds_for_the_unit_it_passed_the_order_down_to(w: World) -> None:
    order = actions.convene_consultation(
        actions.mark_difficult(w.dispatched(), actor=w.dispatcher, reason="疑难"),
        actor=w.dispatcher,
        units=[w.town, w.dept_a],
        reason="会商",
    )
    order = actions.give_view(order, actor=w.town_handler, text="属街道。")
    order = actions.give_view(order, actor=w.handler_a, text="属街道。")
    order = actions.decide_consultation(order, actor=w.dispatcher, lead_unit=w.town, decision="街道主办")
    order = actions.sub_dispatch(
        actions.sign_for(order, actor=w.town_handler), actor=w.town_handler, sub_unit=w.village
    )
    order = actions.sign_for(order, actor=w.village_handler)

    with pytest.raises(InvalidInput):
        actions.request_return(order, actor=w.village_handler, reason="不属社区")


def test_a_unit_the_hub_later_sends_it_to_may_return_it(w: World) -> None:
    order = w.consulting()
    order = actions.give_view(order, actor=w.handler_a, text="不属本单位。")
    order = actions.give_view(order, actor=w.handler_b, text="属住建。")
    order = actions.decide_consultation(order, actor=w.dispatcher, lead_unit=w.dept_a, decision="住建主办")
    order = actions.redispatch(order, actor=w.dispatcher, lead_unit=w.dept_c, reason="新情况：属环保")
    order = actions.sign_for(order, actor=w.handler_c)

    order = actions.request_return(order, actor=w.handler_c, reason="不属环保")

    assert order.state == State.RETURN_REQUESTED


def test_the_citizen_may_withdraw_during_a_consultation(w: World) -> None:
    order = actions.withdraw(w.consulting(), actor=w.operator, reason="已自行协商解决")

    assert order.state == State.WITHDRAWN
    assert not Assignment.objects.filter(order=order, active=True).exists()


@pytest.mark.parametrize("state", ["replied", "closed", "suspended"])
def test_no_consultation_on_a_replied_or_paused_order(w: World, state: str) -> None:
    order = w.in_state(state)
    with pytest.raises(InvalidTransition):
        actions.convene_consultation(order, actor=w.dispatcher, units=[w.dept_a, w.dept_b], reason="会商")
