from __future__ import annotations

import pytest

from civicdesk.notifications.models import Medium, OutboxMessage
from civicdesk.orders import actions
from civicdesk.orders.errors import InvalidInput
from civicdesk.orders.models import Assignment, OrderEvent
from civicdesk.orders.workflow import State
from civicdesk.org.models import OrgUnit, Role, UnitKind
from tests.world import World


def test_it_merges_a_repeated_request_into_the_order_handling_the_matter(w: World) -> None:
    parent = w.dispatched()
    child = w.new_order(citizen_name="李女士", citizen_phone="13900005678")

    child = actions.merge(child, actor=w.dispatcher, into=parent, note="同一坑洼")

    child.refresh_from_db()
    assert child.state == State.MERGED
    assert child.parent == parent
    assert child.closed_at is not None
    assert list(parent.merged_children.all()) == [child]
    event = child.events.last()
    assert (event.action, event.to_state, event.note) == ("merge", State.MERGED, "同一坑洼")
    assert event.data == {"parent": parent.pk, "parent_number": parent.number}
    parent.refresh_from_db()
    assert parent.state == State.DISPATCHED


def test_it_tells_the_merged_caller_which_order_handles_it(w: World) -> None:
    parent = w.dispatched()
    child = actions.merge(w.new_order(citizen_phone="13900005678"), actor=w.dispatcher, into=parent)

    sms = OutboxMessage.objects.get(event=child.events.last(), medium=Medium.SMS)
    assert sms.address == "13900005678"
    assert parent.number in sms.text


def test_it_ends_the_units_work_on_a_merged_order(w: World) -> None:
    parent = w.dispatched()
    child = w.signed(title="重复诉求")

    actions.merge(child, actor=w.dispatcher, into=parent)

    assignment = Assignment.objects.get(order=child)
    assert (assignment.active, assignment.end_reason) == (False, "merged")


def test_it_keeps_merges_one_level_deep(w: World) -> None:
    first = w.new_order()
    second = w.new_order()
    grandchild = actions.merge(w.new_order(), actor=w.dispatcher, into=first)

    actions.merge(first, actor=w.dispatcher, into=second)

    grandchild.refresh_from_db()
    assert grandchild.parent == second
    assert set(second.merged_children.values_list("pk", flat=True)) == {first.pk, grandchild.pk}


def test_it_will_not_merge_an_order_into_itself(w: World) -> None:
    order = w.new_order()

    with pytest.raises(InvalidInput) as caught:
        actions.merge(order, actor=w.dispatcher, into=order.pk)

    assert caught.value.fields == {"into": "不能把工单并入它自己。"}


@pytest.mark.parametrize("state", ["merged", "void", "transferred"])
def test_it_will_not_merge_into_an_order_that_cannot_carry_it(w: World, state: str) -> None:
    parent = w.in_state(state)
    child = w.new_order()

    with pytest.raises(InvalidInput) as caught:
        actions.merge(child, actor=w.dispatcher, into=parent)

    assert caught.value.fields == {"into": f"工单 {parent.number} 不能作为并单主单（状态：{State(state).label}）。"}
    child.refresh_from_db()
    assert child.state == State.RECEIVED
    assert child.parent is None
    assert OrderEvent.objects.filter(order=child).count() == 1


def test_it_only_merges_within_one_hub(w: World) -> None:
    other_hub = OrgUnit.objects.create(name="文登区服务中心", code="wd-hub", kind=UnitKind.CENTER, is_hub=True)
    other_operator = w.person("wd_operator", "文登话务员", (other_hub, Role.OPERATOR))
    elsewhere = w.new_order(actor=other_operator)
    child = w.new_order()

    with pytest.raises(InvalidInput) as caught:
        actions.merge(child, actor=w.dispatcher, into=elsewhere)

    assert caught.value.message == "只能并入同一中心的工单。"
    child.refresh_from_db()
    assert child.state == State.RECEIVED
