"""退单异议: a unit whose return was refused objects once; a second level (the configured
reviewer roles at the hub or a hub above it, never the person who refused) rules finally."""

from __future__ import annotations

import pytest

from civicdesk.notifications.models import OutboxMessage
from civicdesk.orders import actions
from civicdesk.orders.errors import InvalidInput, InvalidTransition, PermissionDenied
from civicdesk.orders.models import OrderEvent
from civicdesk.orders.queues import objections
from civicdesk.orders.workflow import State
from civicdesk.org.models import OrgUnit, Role, UnitKind
from tests.world import World


def test_the_unit_objects_to_the_refusal_and_the_reviewers_hear_of_it(w: World) -> None:
    order = w.refused()
    assert order.state == State.SIGNED

    order = actions.object_to_refusal(order, actor=w.handler_a, reason="该路段已移交街道，附移交文件。")

    assert order.state == State.OBJECTION_REVIEW
    assert order.resume_state == State.SIGNED
    event = OrderEvent.objects.get(order=order, action="object_to_refusal")
    assert event.data == {"unit": w.dept_a.pk, "refused_by": w.dispatcher.pk}
    told = set(OutboxMessage.objects.filter(event=event, medium="inbox").values_list("user__username", flat=True))
    assert {"supervisor", "leader", "dispatcher"} <= told
    assert objections(w.supervisor).filter(pk=order.pk).exists()
    assert not objections(w.dispatcher).exists()


def test_there_is_no_objection_without_a_refusal(w: World) -> None:
    with pytest.raises(InvalidInput) as caught:
        actions.object_to_refusal(w.signed(), actor=w.handler_a, reason="不属本单位")

    assert caught.value.message == "只能在本单位的退单申请被驳回后提出异议。"


def test_the_refusal_of_another_unit_gives_no_right_to_object(w: World) -> None:
    order = actions.redispatch(w.refused(), actor=w.dispatcher, lead_unit=w.dept_b, reason="改派市监")

    with pytest.raises(InvalidInput):
        actions.object_to_refusal(order, actor=w.handler_b, reason="也不属本单位")


def test_a_unit_objects_only_once_per_order(w: World) -> None:
    order = actions.reject_objection(w.objection_review(), actor=w.supervisor, reason="属本单位")
    order = actions.request_return(order, actor=w.handler_a, reason="再次申请退单")
    order = actions.refuse_return(order, actor=w.dispatcher, reason="仍属本单位")

    with pytest.raises(InvalidInput) as caught:
        actions.object_to_refusal(order, actor=w.handler_a, reason="再次异议")

    assert caught.value.message == "本单位已就该工单提出过退单异议，每个单位只能提出一次。"


def test_a_rejected_objection_is_final_and_the_unit_keeps_the_order(w: World) -> None:
    order = actions.reject_objection(w.objection_review(), actor=w.supervisor, reason="职责清单第3条明确属本单位。")

    assert order.state == State.SIGNED
    assert order.lead_unit == w.dept_a
    assert order.return_count == 0
    event = OrderEvent.objects.get(order=order, action="reject_objection")
    assert event.data == {"unit": w.dept_a.pk}
    assert event.acting_unit == w.hub
    told = set(OutboxMessage.objects.filter(event=event, medium="inbox").values_list("user__username", flat=True))
    assert {"handler_a", "head_a"} <= told


def test_an_upheld_objection_returns_the_order_to_dispatch(w: World) -> None:
    order = actions.uphold_objection(w.objection_review(), actor=w.leader, note="移交文件属实。")

    assert order.state == State.PENDING_DISPATCH
    assert order.lead_unit is None
    assert order.return_count == 1
    event = OrderEvent.objects.get(order=order, action="uphold_objection")
    assert event.data == {"unit": w.dept_a.pk, "returned_from": w.dept_a.pk}
    assert OutboxMessage.objects.filter(event=event, user=w.handler_a).exists()


def test_an_upheld_objection_may_send_it_straight_to_the_right_unit(w: World) -> None:
    order = actions.uphold_objection(w.objection_review(), actor=w.supervisor, new_lead_unit=w.town)

    assert order.state == State.DISPATCHED
    assert order.lead_unit == w.town
    event = OrderEvent.objects.get(order=order, action="uphold_objection")
    assert OutboxMessage.objects.filter(event=event, user=w.town_handler).exists()
    with pytest.raises(InvalidInput):
        actions.uphold_objection(w.objection_review(), actor=w.supervisor, new_lead_unit=w.dept_a)


def test_the_person_who_refused_cannot_rule_on_the_objection(w: World, settings) -> None:
    # A center that lets dispatchers review: still not the dispatcher who refused.
    settings.CIVICDESK_OBJECTION_REVIEWERS = ["dispatcher"]
    order = w.objection_review()

    with pytest.raises(PermissionDenied) as caught:
        actions.reject_objection(order, actor=w.dispatcher, reason="属本单位")
    assert "驳回退单的人员不能复核" in caught.value.message

    other = w.person("dispatcher2", "派单员小刘", (w.hub, Role.DISPATCHER))
    assert actions.reject_objection(order, actor=other, reason="属本单位").state == State.SIGNED


def test_the_reviewer_role_is_configured(w: World, settings) -> None:
    settings.CIVICDESK_OBJECTION_REVIEWERS = ["leader"]
    order = w.objection_review()

    with pytest.raises(PermissionDenied):
        actions.reject_objection(order, actor=w.supervisor, reason="属本单位")
    assert actions.reject_objection(order, actor=w.leader, reason="属本单位").state == State.SIGNED


def test_a_higher_hub_may_rule(w: World) -> None:
    upper = OrgUnit.objects.create(name="威海市12345中心", code="wh-hub", kind=UnitKind.CENTER, is_hub=True)
    w.hub.parent = upper
    w.hub.save()
    w.dept_a.refresh_from_db()
    upper_leader = w.person("wh_leader", "威海主任", (upper, Role.LEADER))
    order = w.objection_review()

    order = actions.reject_objection(order, actor=upper_leader, reason="属本单位")

    assert OrderEvent.objects.get(order=order, action="reject_objection").acting_unit == upper


def test_the_objection_needs_a_reason_and_the_ruling_too(w: World) -> None:
    with pytest.raises(InvalidInput):
        actions.object_to_refusal(w.refused(), actor=w.handler_a, reason="")
    with pytest.raises(InvalidInput):
        actions.reject_objection(w.objection_review(), actor=w.supervisor, reason=" ")


def test_the_unit_keeps_its_clock_during_review_and_cannot_reply_meanwhile(w: World) -> None:
    order = w.objection_review()
    assert order.with_unit
    with pytest.raises(InvalidTransition):
        actions.reply(order, actor=w.handler_a, result="solved", text="已处理")
