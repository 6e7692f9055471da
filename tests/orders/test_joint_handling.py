from __future__ import annotations

import pytest

from civicdesk.notifications.models import OutboxMessage
from civicdesk.orders import actions
from civicdesk.orders.errors import InvalidInput, InvalidTransition, PermissionDenied
from civicdesk.orders.models import Assignment
from civicdesk.orders.workflow import State
from tests.world import World


def test_it_lets_an_assisting_unit_sign_for_its_part(w: World) -> None:
    order = w.joint(w.dept_b)

    order = actions.sign_part(order, actor=w.handler_b)

    assert order.state == State.DISPATCHED  # the lead unit has not signed yet
    assert Assignment.objects.get(order=order, unit=w.dept_b).signed_at is not None
    assert Assignment.objects.get(order=order, unit=w.dept_a).signed_at is None
    event = order.events.last()
    assert (event.action, event.acting_unit, event.data) == ("sign_part", w.dept_b, {"unit": w.dept_b.pk})


def test_it_refuses_signing_a_part_twice(w: World) -> None:
    order = actions.sign_part(w.joint(w.dept_b), actor=w.handler_b)
    events = order.events.count()

    with pytest.raises(InvalidInput) as caught:
        actions.sign_part(order, actor=w.handler_b)

    assert caught.value.message == "市市场监督管理局 已签收。"
    assert order.events.count() == events


def test_it_records_a_part_and_tells_the_lead_unit(w: World) -> None:
    order = actions.sign_for(w.joint(w.dept_b, w.dept_c), actor=w.handler_a)

    order = actions.give_part(order, actor=w.handler_b, text="经核查，该路段无占道经营。")

    part = Assignment.objects.get(order=order, unit=w.dept_b)
    assert part.part_text == "经核查，该路段无占道经营。"
    assert part.part_given_at is not None
    assert part.signed_at is not None  # handing in the part signs for it
    event = order.events.last()
    assert event.data == {"unit": w.dept_b.pk, "all_parts_in": False}
    told = set(OutboxMessage.objects.filter(event=event).values_list("user_id", flat=True))
    assert {w.handler_a.pk, w.head_a.pk} <= told


def test_it_blocks_the_reply_until_every_part_is_in(w: World) -> None:
    order = actions.sign_for(w.joint(w.dept_b, w.dept_c), actor=w.handler_a)
    order = actions.give_part(order, actor=w.handler_b, text="无占道经营。")

    with pytest.raises(InvalidInput) as caught:
        actions.reply(order, actor=w.handler_a, result="solved", text="已修复。")
    assert caught.value.message == "协办单位尚未提交意见：市生态环境分局。"
    order.refresh_from_db()
    assert order.state == State.SIGNED

    order = actions.give_part(order, actor=w.handler_c, text="无环境问题。")
    assert order.events.last().data["all_parts_in"] is True
    order = actions.reply(order, actor=w.handler_a, result="solved", text="已修复。")
    assert order.state == State.REPLIED


def test_it_names_every_missing_unit(w: World) -> None:
    order = actions.sign_for(w.joint(w.dept_b, w.dept_c), actor=w.handler_a)

    with pytest.raises(InvalidInput) as caught:
        actions.reply(order, actor=w.handler_a, result="solved", text="已修复。")

    assert caught.value.message in {
        "协办单位尚未提交意见：市市场监督管理局、市生态环境分局。",
        "协办单位尚未提交意见：市生态环境分局、市市场监督管理局。",
    }


def test_it_does_not_wait_for_units_that_no_longer_assist(w: World) -> None:
    order = w.joint(w.dept_b)
    order = actions.redispatch(order, actor=w.dispatcher, lead_unit=w.dept_c, reason="改由环保主办")
    order = actions.sign_for(order, actor=w.handler_c)

    order = actions.reply(order, actor=w.handler_c, result="solved", text="已处理。")

    assert order.state == State.REPLIED


def test_it_lets_an_assisting_unit_give_its_part_but_not_reply_for_the_lead(w: World) -> None:
    order = actions.sign_for(w.joint(w.dept_b), actor=w.handler_a)

    with pytest.raises(PermissionDenied):
        actions.reply(order, actor=w.handler_b, result="solved", text="已处理。")
    with pytest.raises(PermissionDenied):
        actions.give_part(order, actor=w.handler_a, text="主办单位不是协办单位。")


def test_it_takes_no_parts_while_the_order_is_suspended(w: World) -> None:
    order = actions.sign_for(w.joint(w.dept_b), actor=w.handler_a)
    order = actions.request_suspension(order, actor=w.handler_a, reason="等待判决")
    order = actions.approve_suspension(order, actor=w.dispatcher)

    with pytest.raises(InvalidTransition):
        actions.give_part(order, actor=w.handler_b, text="意见。")
    assert Assignment.objects.get(order=order, unit=w.dept_b).part_given_at is None


def test_it_needs_the_part_text(w: World) -> None:
    with pytest.raises(InvalidInput) as caught:
        actions.give_part(w.joint(w.dept_b), actor=w.handler_b, text="")

    assert caught.value.fields == {"text": "请填写协办意见。"}
