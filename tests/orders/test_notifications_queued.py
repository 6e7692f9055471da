from __future__ import annotations

from collections.abc import Callable

import pytest

from civicdesk.notifications.models import DeliveryStatus, Medium, OutboxMessage
from civicdesk.orders import actions
from civicdesk.orders.errors import InvalidInput, InvalidTransition, PermissionDenied
from civicdesk.orders.models import OrderEvent, WorkOrder
from tests.world import World


def _inbox(event: OrderEvent) -> set[int]:
    return set(OutboxMessage.objects.filter(event=event, medium=Medium.INBOX).values_list("user_id", flat=True))


def _sms(event: OrderEvent) -> list[tuple[str, str]]:
    return list(OutboxMessage.objects.filter(event=event, medium=Medium.SMS).values_list("address", "template"))


def test_it_texts_the_citizen_on_create_and_tells_no_staff(w: World) -> None:
    order = w.new_order()
    event = order.events.get()

    assert _sms(event) == [("13800001234", "citizen_create")]
    assert _inbox(event) == set()  # the owner took it and needs no note of their own move
    message = OutboxMessage.objects.get(event=event)
    assert message.status == DeliveryStatus.PENDING


def test_it_tells_the_lead_unit_and_assisting_units_of_a_dispatch(w: World) -> None:
    order = w.joint(w.dept_b)
    event = order.events.last()

    assert _inbox(event) == {w.handler_a.pk, w.head_a.pk, w.handler_b.pk, w.operator.pk}
    text = OutboxMessage.objects.filter(event=event).first().text
    assert text == f"工单 {order.number}「崖头街道人民路路面坑洼」：派单"


def test_it_tells_the_new_unit_and_the_unit_that_lost_it_of_a_redispatch(w: World) -> None:
    order = actions.redispatch(w.dispatched(), actor=w.dispatcher, lead_unit=w.dept_b, reason="属市场监管")

    # The old unit must stop working on it; the new one must start.
    assert _inbox(order.events.last()) == {w.handler_a.pk, w.head_a.pk, w.handler_b.pk, w.operator.pk}


def test_it_skips_staff_who_left(w: World) -> None:
    w.head_a.is_active = False
    w.head_a.save()

    order = w.dispatched()

    assert _inbox(order.events.last()) == {w.handler_a.pk, w.operator.pk}


def test_it_tells_the_hub_of_requests_it_must_review(w: World) -> None:
    returned = w.return_requested()
    replied = w.replied()

    assert _inbox(returned.events.last()) == {w.dispatcher.pk, w.operator.pk}
    assert _inbox(replied.events.last()) == {w.dispatcher.pk, w.operator.pk}


def test_it_tells_the_owner_of_every_move_made_by_someone_else(w: World) -> None:
    order = w.rework()
    order = actions.reply(order, actor=w.handler_a, result="solved", text="已重修。")
    order = actions.accept_reply(order, actor=w.dispatcher)
    actions.close_without_callback(order, actor=w.callback_agent, reason="无法联系")

    events = list(OrderEvent.objects.filter(order=order).exclude(actor=w.operator))
    assert len(events) >= 8
    for event in events:
        assert w.operator.pk in _inbox(event), event.action


def test_it_tells_the_owner_even_when_someone_else_owns_the_hub_desk(w: World) -> None:
    order = w.new_order(actor=w.dispatcher)
    order = actions.dispatch(order, actor=w.operator, lead_unit=w.dept_a)

    assert w.dispatcher.pk in _inbox(order.events.last())
    assert w.operator.pk not in _inbox(order.events.last())


def test_it_texts_the_citizen_when_the_reply_is_accepted(w: World) -> None:
    order = w.awaiting_callback()

    assert _sms(order.events.last()) == [("13800001234", "citizen_accept_reply")]


def test_it_tells_merged_callers_the_outcome_when_the_parent_closes(w: World) -> None:
    parent = w.signed()
    first = actions.merge(w.new_order(citizen_phone="13900000001"), actor=w.dispatcher, into=parent)
    second = actions.merge(w.new_order(citizen_phone="13900000002"), actor=w.dispatcher, into=parent)
    actions.merge(w.new_order(citizen_phone=""), actor=w.dispatcher, into=parent)
    parent = actions.reply(parent, actor=w.handler_a, result="solved", text="坑洼已修复。")
    parent = actions.accept_reply(parent, actor=w.dispatcher)

    parent = actions.record_callback(parent, actor=w.callback_agent, solved="solved", satisfaction="satisfied")

    closing = parent.events.last()
    rows = OutboxMessage.objects.filter(event=closing, template="citizen_closed_parent").order_by("address")
    assert [(m.address, m.text) for m in rows] == [
        ("13900000001", f"您反映的问题（工单号 {first.number}）已办结：坑洼已修复。"),
        ("13900000002", f"您反映的问题（工单号 {second.number}）已办结：坑洼已修复。"),
    ]


def test_it_tells_merged_callers_when_the_parent_closes_without_callback(w: World) -> None:
    parent = w.replied()
    actions.merge(w.new_order(citizen_phone="13900000001"), actor=w.dispatcher, into=parent)
    parent = actions.accept_reply(parent, actor=w.dispatcher)

    parent = actions.close_without_callback(parent, actor=w.callback_agent, reason="来电人拒绝回访")

    assert _sms(parent.events.last()) == [("13900000001", "citizen_closed_parent")]


def test_it_does_not_tell_merged_callers_about_a_rework(w: World) -> None:
    parent = w.replied()
    actions.merge(w.new_order(citizen_phone="13900000001"), actor=w.dispatcher, into=parent)
    parent = actions.accept_reply(parent, actor=w.dispatcher)

    parent = actions.record_callback(
        parent, actor=w.callback_agent, solved="unsolved", satisfaction="unsatisfied", rework=True
    )

    assert _sms(parent.events.last()) == []
    assert _inbox(parent.events.last()) == {w.handler_a.pk, w.head_a.pk, w.operator.pk}


def test_it_respects_a_merged_caller_who_wants_no_reply(w: World) -> None:
    parent = w.awaiting_callback()
    actions.merge(w.new_order(citizen_phone="13900000001", wants_reply=False), actor=w.dispatcher, into=parent)

    parent = actions.record_callback(parent, actor=w.callback_agent, solved="solved", satisfaction="satisfied")

    assert _sms(parent.events.last()) == []


@pytest.mark.parametrize(
    ("move", "error"),
    [
        (lambda w, o: actions.reply(o, actor=w.handler_a, result="solved", text="已修复。"), InvalidInput),
        (lambda w, o: actions.redispatch(o, actor=w.handler_a, lead_unit=w.dept_c, reason="改派"), PermissionDenied),
        (lambda w, o: actions.sign_for(o, actor=w.handler_a), InvalidTransition),
    ],
    ids=["parts-missing", "not-the-hub", "already-signed"],
)
def test_it_writes_nothing_when_the_move_fails(w: World, move: Callable[..., WorkOrder], error: type) -> None:
    order = actions.sign_for(w.joint(w.dept_b), actor=w.handler_a)
    before = (OutboxMessage.objects.count(), OrderEvent.objects.count())

    with pytest.raises(error):
        move(w, order)

    assert (OutboxMessage.objects.count(), OrderEvent.objects.count()) == before


def test_it_tells_the_returning_unit_its_return_was_approved(w: World) -> None:
    order = actions.approve_return(w.return_requested(), actor=w.dispatcher)

    assert _inbox(order.events.last()) == {w.handler_a.pk, w.head_a.pk, w.operator.pk}


def test_it_tells_both_units_when_an_approved_return_goes_straight_to_another(w: World) -> None:
    order = actions.approve_return(w.return_requested(), actor=w.dispatcher, new_lead_unit=w.dept_b)

    assert _inbox(order.events.last()) == {w.handler_a.pk, w.head_a.pk, w.handler_b.pk, w.operator.pk}


def test_it_tells_the_unit_holding_an_order_that_was_merged_away(w: World) -> None:
    parent = w.new_order(title="主单")
    child = actions.merge(w.signed(), actor=w.dispatcher, into=parent)

    assert _inbox(child.events.last()) == {w.handler_a.pk, w.head_a.pk, w.operator.pk}
