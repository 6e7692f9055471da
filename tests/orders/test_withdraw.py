"""The citizen takes a request back before a unit replied (撤销诉求): by phone through the
operator, on the portal, or through an API client; the units holding it are told to stop."""

from __future__ import annotations

import pytest

from civicdesk.notifications.models import OutboxMessage
from civicdesk.orders import actions
from civicdesk.orders.errors import InvalidInput, InvalidTransition, PermissionDenied
from civicdesk.orders.models import Assignment, OrderEvent
from civicdesk.orders.workflow import TERMINAL, State
from tests.world import World


def test_a_withdrawn_order_ends_and_releases_every_unit(w: World) -> None:
    order = actions.dispatch(w.new_order(), actor=w.dispatcher, lead_unit=w.dept_a, assisting_units=[w.dept_b])

    order = actions.withdraw(order, actor=w.operator, reason="路面已经修好了，不用再处理。")

    assert order.state == State.WITHDRAWN
    assert State.WITHDRAWN in TERMINAL
    assert order.closed_at is not None
    assert not Assignment.objects.filter(order=order, active=True).exists()
    assert set(Assignment.objects.filter(order=order).values_list("end_reason", flat=True)) == {"withdrawn"}
    event = OrderEvent.objects.get(order=order, action="withdraw")
    assert event.note == "路面已经修好了，不用再处理。"
    assert event.data == {"via": "phone", "units": [w.dept_a.pk, w.dept_b.pk]}
    assert event.acting_unit == w.hub


def test_the_units_the_hub_and_the_citizen_hear_of_it(w: World) -> None:
    order = actions.withdraw(w.signed(), actor=w.operator, reason="已自行解决")

    event = OrderEvent.objects.get(order=order, action="withdraw")
    inbox = set(OutboxMessage.objects.filter(event=event, medium="inbox").values_list("user__username", flat=True))
    # The unit that held it must stop; the dispatchers learn their queue changed.
    assert {"handler_a", "head_a", "dispatcher"} <= inbox
    assert "operator" not in inbox  # the one who recorded it
    sms = OutboxMessage.objects.get(event=event, medium="sms")
    assert sms.address == "13800001234"
    assert order.number in sms.text and "撤销" in sms.text


def test_a_new_order_can_be_withdrawn_before_dispatch(w: World) -> None:
    order = actions.withdraw(w.new_order(), actor=w.operator, reason="打错了")

    assert order.state == State.WITHDRAWN
    assert OrderEvent.objects.get(order=order, action="withdraw").data == {"via": "phone"}


@pytest.mark.parametrize("state", ["replied", "awaiting_callback", "closed", "void"])
def test_it_is_too_late_once_a_unit_replied_or_the_order_ended(w: World, state: str) -> None:
    order = w.in_state(state)

    with pytest.raises(InvalidTransition) as caught:
        actions.withdraw(order, actor=w.operator, reason="不需要了")

    assert "不能撤销诉求" in caught.value.message
    assert not OrderEvent.objects.filter(order=order, action="withdraw").exists()


def test_rework_is_unreplied_again_and_may_be_withdrawn(w: World) -> None:
    order = actions.withdraw(w.rework(), actor=w.operator, reason="已经解决")

    assert order.state == State.WITHDRAWN


def test_a_reason_is_required_and_kept_within_its_limit(w: World) -> None:
    order = w.signed()

    with pytest.raises(InvalidInput) as empty:
        actions.withdraw(order, actor=w.operator, reason="  ")
    with pytest.raises(InvalidInput) as long:
        actions.withdraw(order, actor=w.operator, reason="长" * 501)

    assert empty.value.fields == {"reason": "请填写撤销原因。"}
    assert "不能超过 500 个字" in long.value.fields["reason"]
    order.refresh_from_db()
    assert order.state == State.SIGNED


def test_an_unknown_channel_is_refused(w: World) -> None:
    with pytest.raises(InvalidInput) as caught:
        actions.withdraw(w.signed(), actor=w.operator, reason="不要了", via="fax")

    assert caught.value.fields == {"via": "撤销渠道无效。"}


def test_without_a_person_only_the_portal_may_withdraw(w: World) -> None:
    order = w.signed()

    with pytest.raises(PermissionDenied):
        actions.withdraw(order, actor=None, reason="不要了", via="phone")

    order = actions.withdraw(order, actor=None, reason="不要了", via="portal")
    assert OrderEvent.objects.get(order=order, action="withdraw").data["via"] == "portal"


def test_a_handling_unit_cannot_withdraw_for_the_citizen(w: World) -> None:
    with pytest.raises(PermissionDenied):
        actions.withdraw(w.signed(), actor=w.handler_a, reason="群众说不要了")
