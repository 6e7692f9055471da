"""A hub hands an order to a hub below it: it is then in the lower hub's queue, and the
lower hub's dispatchers work it with the same moves and rights as their own intake."""

from __future__ import annotations

import pytest

from civicdesk.orders import actions, queues
from civicdesk.orders.errors import InvalidInput, PermissionDenied
from civicdesk.orders.moves import available_moves
from civicdesk.orders.permissions import can_view, visible_orders
from civicdesk.org.models import Membership, OrgUnit, Role, UnitKind
from tests.levels.conftest import Chain

pytestmark = pytest.mark.django_db


def test_the_handed_down_order_is_on_the_lower_hubs_board_not_the_upper(chain: Chain) -> None:
    order = chain.handed_down()

    assert order.state == "pending_dispatch"
    assert order.hub == chain.county and order.upper_hub == chain.prefecture
    assert order.lead_unit is None
    assert order in queues.pending_dispatch(chain.w.dispatcher)
    assert order not in queues.pending_dispatch(chain.pref_dispatcher)
    event = order.events.last()
    assert event.action == "hand_down" and event.acting_unit == chain.prefecture
    assert event.data["to_hub"] == chain.county.pk


def test_the_lower_hub_dispatches_it_on_to_its_own_units(chain: Chain) -> None:
    order = chain.handed_down()

    assert "dispatch" in available_moves(chain.w.dispatcher, order)
    order = actions.dispatch(order, actor=chain.w.dispatcher, lead_unit=chain.w.dept_a)

    assert order.state == "dispatched" and order.lead_unit == chain.w.dept_a
    assert order.events.last().acting_unit == chain.county
    assert order in queues.unit_inbox(chain.w.handler_a)


def test_the_upper_hub_cannot_dispatch_what_it_handed_down(chain: Chain) -> None:
    order = chain.handed_down()

    assert "dispatch" not in available_moves(chain.pref_dispatcher, order)
    with pytest.raises(PermissionDenied):
        actions.dispatch(order, actor=chain.pref_dispatcher, lead_unit=chain.w.dept_a)


def test_the_lower_hub_reviews_its_units_returns_and_replies(chain: Chain) -> None:
    w = chain.w
    order = actions.sign_for(chain.at_county_unit(), actor=w.handler_a)
    order = actions.request_return(order, actor=w.handler_a, reason="不属本单位职责")

    assert order in queues.review_queue(w.dispatcher, "return_requested")
    assert order not in queues.review_queue(chain.pref_dispatcher, "return_requested")
    with pytest.raises(PermissionDenied):
        actions.refuse_return(order, actor=chain.pref_dispatcher, reason="属本单位")
    order = actions.refuse_return(order, actor=w.dispatcher, reason="属本单位职责")
    order = actions.reply(order, actor=w.handler_a, result="solved", text="已修复路面。")

    assert order in queues.review_queue(w.dispatcher, "replied")
    assert order not in queues.review_queue(chain.pref_dispatcher, "replied")
    order = actions.accept_reply(order, actor=w.dispatcher)
    assert order.state == "awaiting_callback"


def test_the_upper_hub_sees_the_progress_and_may_supervise(chain: Chain) -> None:
    order = chain.at_county_unit()

    assert can_view(chain.pref_leader, order)
    assert order in visible_orders(chain.pref_dispatcher)
    order = actions.supervise(order, actor=chain.pref_supervisor, note="请加快办理")
    assert order.supervision_level == 1
    assert order.events.last().acting_unit == chain.prefecture


def test_the_whole_chain_closes_once_and_the_upper_hub_sees_it_closed(chain: Chain) -> None:
    w = chain.w
    order = actions.sign_for(chain.at_county_unit(), actor=w.handler_a)
    order = actions.reply(order, actor=w.handler_a, result="solved", text="已修复路面。")
    order = actions.accept_reply(order, actor=w.dispatcher)
    # By default the lower hub calls back (civicdesk.org.models.HubLink).
    assert order in queues.callback_queue(w.callback_agent)
    assert order not in queues.callback_queue(chain.pref_callback)
    order = actions.record_callback(order, actor=w.callback_agent, solved="solved", satisfaction="satisfied")

    seen = visible_orders(chain.pref_leader).get(pk=order.pk)
    assert seen.state == "closed" and seen.reply_text == "已修复路面。"
    actions_made = list(seen.events.values_list("action", flat=True))
    assert actions_made.count("hand_down") == 1 and actions_made.count("record_callback") == 1


def test_an_order_taken_in_at_the_lower_hub_stays_workable_from_above(chain: Chain) -> None:
    # Hubs over hubs (DESIGN §2): without a hand-down, the upper hub still acts for the one below.
    order = actions.send_to_hub(chain.w.new_order(), actor=chain.w.operator)

    order = actions.dispatch(order, actor=chain.pref_dispatcher, lead_unit=chain.w.dept_a)
    assert order.events.last().acting_unit == chain.prefecture


def test_a_hub_without_dispatchers_is_refused_with_the_reason(chain: Chain) -> None:
    empty = OrgUnit.objects.create(
        name="石岛管理区服务中心", code="sd-hub", kind=UnitKind.CENTER, parent=chain.prefecture, is_hub=True
    )
    order = chain.new_order()

    with pytest.raises(InvalidInput) as caught:
        actions.dispatch(order, actor=chain.pref_dispatcher, lead_unit=empty)
    assert "没有在岗派单员" in caught.value.message
    order.refresh_from_db()
    assert order.state == "pending_dispatch" and order.hub == chain.prefecture


def test_assisting_units_cannot_go_with_a_hand_down(chain: Chain) -> None:
    with pytest.raises(InvalidInput) as caught:
        actions.dispatch(
            chain.new_order(), actor=chain.pref_dispatcher, lead_unit=chain.county, assisting_units=[chain.bureau]
        )
    assert "不能指定协办单位" in caught.value.message


def test_a_redispatch_from_a_prefecture_bureau_to_the_county_hands_it_down(chain: Chain) -> None:
    order = actions.dispatch(chain.new_order(), actor=chain.pref_dispatcher, lead_unit=chain.bureau)

    order = actions.redispatch(order, actor=chain.pref_dispatcher, lead_unit=chain.county, reason="属地处理")

    assert order.state == "pending_dispatch" and order.hub == chain.county
    assert order.redispatch_count == 1
    assert not order.assignments.filter(active=True).exists()
    assert order in queues.pending_dispatch(chain.w.dispatcher)


def test_a_second_level_hands_down_again_and_returns_restore_each_level(chain: Chain) -> None:
    w = chain.w
    town_hub = OrgUnit.objects.create(
        name="崖头街道综治中心", code="yt-hub", kind=UnitKind.CENTER, parent=w.hub, is_hub=True
    )
    town_dispatcher = w.person("yt_dispatcher", "街道派单员", (town_hub, Role.DISPATCHER))
    order = actions.dispatch(chain.handed_down(), actor=w.dispatcher, lead_unit=town_hub)
    assert order.hub == town_hub and order.upper_hub == w.hub
    assert order.upper_due_at is not None

    order = actions.return_to_upper(order, actor=town_dispatcher, reason="不属街道事权")
    order = actions.approve_return(order, actor=w.dispatcher)
    assert order.hub == w.hub and order.upper_hub == chain.prefecture
    order = actions.return_to_upper(order, actor=w.dispatcher, reason="应由市直部门办理")
    order = actions.approve_return(order, actor=chain.pref_dispatcher)
    assert order.hub == chain.prefecture and order.upper_hub is None and order.outer_levels == []
    assert Membership.objects.filter(user=town_dispatcher).exists()


def test_the_upper_hotline_still_takes_a_callers_new_facts(chain: Chain) -> None:
    order = chain.at_county_unit()

    order = actions.supplement(order, actor=chain.pref_operator, text="来电人补充：坑洼处已有车辆受损。")

    assert order.events.last().acting_unit == chain.prefecture
