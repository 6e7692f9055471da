"""The center's procedures on an order handed down the chain (威海 → 荣成 → units): the lower
hub convenes the consultation on its order, an objection is ruled at that hub or a hub above,
the prefecture's leader instructs and its supervisor issues a notice on a county order — and
whoever started a procedure hears how it went."""

from __future__ import annotations

from datetime import timedelta

import pytest

from civicdesk.notifications.models import OutboxMessage
from civicdesk.orders import actions, queues
from civicdesk.orders.errors import InvalidInput, PermissionDenied
from civicdesk.orders.models import OrderEvent, WorkOrder
from civicdesk.org.models import User
from tests.levels.conftest import Chain

pytestmark = pytest.mark.django_db


def _told(order: WorkOrder, action: str) -> set[User]:
    event = OrderEvent.objects.filter(order=order, action=action).latest("seq")
    return {m.user for m in OutboxMessage.objects.filter(event=event, medium="inbox").select_related("user")}


def _bounced(chain: Chain) -> WorkOrder:
    w = chain.w
    order = actions.redispatch(chain.at_county_unit(), actor=w.dispatcher, lead_unit=w.dept_b, reason="属市场监管")
    return actions.redispatch(order, actor=w.dispatcher, lead_unit=w.dept_a, reason="仍属住建")


def test_the_lower_hub_convenes_and_decides_a_consultation_on_a_handed_down_order(chain: Chain) -> None:
    w = chain.w
    order = _bounced(chain)
    with pytest.raises(PermissionDenied):
        actions.convene_consultation(order, actor=chain.pref_dispatcher, units=[w.dept_a, w.dept_b], reason="会商")
    with pytest.raises(InvalidInput):  # the prefecture's bureau is not a unit of the county hub
        actions.convene_consultation(order, actor=w.dispatcher, units=[w.dept_a, chain.bureau], reason="会商")

    order = actions.convene_consultation(order, actor=w.dispatcher, units=[w.dept_a, w.dept_b], reason="职责不清")
    order = actions.give_view(order, actor=w.handler_a, text="属市场监管。")
    assert w.dispatcher in _told(order, "give_view")
    order = actions.give_view(order, actor=w.handler_b, text="同意住建主办。")
    order = actions.decide_consultation(order, actor=w.dispatcher, lead_unit=w.dept_a, decision="住建主办")

    assert order.state == "dispatched" and order.lead_unit == w.dept_a
    assert order.hub == chain.county and order.upper_hub == chain.prefecture
    assert order in queues.unit_inbox(w.handler_a)


def _objected(chain: Chain) -> WorkOrder:
    w = chain.w
    order = actions.sign_for(chain.at_county_unit(), actor=w.handler_a)
    order = actions.request_return(order, actor=w.handler_a, reason="不属本单位职责")
    order = actions.refuse_return(order, actor=w.dispatcher, reason="属本单位职责")
    return actions.object_to_refusal(order, actor=w.handler_a, reason="该路段已移交交通局管养")


def test_an_objection_on_a_county_order_is_ruled_at_the_county_hub(chain: Chain) -> None:
    order = _objected(chain)

    assert chain.w.supervisor in _told(order, "object_to_refusal")
    order = actions.reject_objection(order, actor=chain.w.supervisor, reason="职责清单明确属本单位")

    assert order.state == "signed" and order.lead_unit == chain.w.dept_a


def test_an_objection_on_a_county_order_may_be_ruled_by_the_hub_above(chain: Chain) -> None:
    order = _objected(chain)

    order = actions.uphold_objection(order, actor=chain.pref_supervisor, new_lead_unit=chain.w.dept_b)

    assert order.lead_unit == chain.w.dept_b
    assert order.hub == chain.county  # still the county's order, now with the unit the ruling named


def test_the_prefecture_leader_instructs_on_a_county_order_and_hears_it_acknowledged(chain: Chain) -> None:
    w = chain.w
    order = actions.sign_for(chain.at_county_unit(), actor=w.handler_a)

    order = actions.instruct(order, actor=chain.pref_leader, text="请三日内修复并报市中心。")
    assert {w.handler_a, w.head_a} <= _told(order, "instruct")
    order = actions.acknowledge_instruction(order, actor=w.handler_a)

    assert chain.pref_leader in _told(order, "acknowledge_instruction")


def test_an_overdue_instruction_from_above_goes_back_up_to_the_leader_who_wrote_it(chain: Chain) -> None:
    w = chain.w
    order = actions.sign_for(chain.at_county_unit(), actor=w.handler_a)
    order = actions.instruct(order, actor=chain.pref_leader, text="请三日内修复并报市中心。")
    assert order.instruction_due_at is not None

    assert actions.run_instruction_watch(now=order.instruction_due_at + timedelta(minutes=1)) == 1

    told = _told(order, "escalate_instruction")
    assert chain.pref_leader in told and w.head_a in told


def test_a_notice_from_the_prefecture_on_a_county_order_is_answered_to_its_supervisor(chain: Chain) -> None:
    w = chain.w
    order = actions.sign_for(chain.at_county_unit(), actor=w.handler_a)

    order = actions.issue_notice(order, actor=chain.pref_supervisor, text="请立即整改并书面答复。")
    assert order.notice_number
    order = actions.answer_notice(order, actor=w.handler_a, text="已于当日整改完毕。")

    assert chain.pref_supervisor in _told(order, "answer_notice")


def test_an_overdue_notice_from_the_prefecture_goes_back_to_its_supervisor(chain: Chain) -> None:
    w = chain.w
    order = actions.sign_for(chain.at_county_unit(), actor=w.handler_a)
    order = actions.issue_notice(order, actor=chain.pref_supervisor, text="请立即整改并书面答复。")
    assert order.notice_due_at is not None

    assert actions.run_notice_watch(now=order.notice_due_at + timedelta(minutes=1)) == 1

    assert chain.pref_supervisor in _told(order, "escalate_notice")
