"""What the model learns from: closed orders only, labelled with their category and the
unit the hub finally sent them to (after returns and re-dispatches)."""

from __future__ import annotations

from civicdesk.orders import actions
from civicdesk.routing.training import closed_orders
from tests.world import World


def test_the_label_is_the_final_unit_after_returns_and_redispatches(w: World) -> None:
    returned = actions.sign_for(
        actions.dispatch(w.new_order(), actor=w.dispatcher, lead_unit=w.dept_b), actor=w.handler_b
    )
    returned = actions.request_return(returned, actor=w.handler_b, reason="不属本单位")
    returned = actions.approve_return(returned, actor=w.dispatcher, new_lead_unit=w.dept_c)
    returned = actions.redispatch(returned, actor=w.dispatcher, lead_unit=w.dept_a, reason="属住建")
    returned = actions.sign_for(returned, actor=w.handler_a)
    returned = actions.reply(returned, actor=w.handler_a, result="solved", text="已修复路面。")
    returned = actions.accept_reply(returned, actor=w.dispatcher)
    returned = actions.record_callback(returned, actor=w.callback_agent, solved="solved", satisfaction="satisfied")

    passed_down = actions.sign_for(
        actions.dispatch(w.new_order(area=w.area_village), actor=w.dispatcher, lead_unit=w.town), actor=w.town_handler
    )
    passed_down = actions.sub_dispatch(passed_down, actor=w.town_handler, sub_unit=w.village)
    passed_down = actions.sign_for(passed_down, actor=w.village_handler)
    passed_down = actions.reply(passed_down, actor=w.village_handler, result="solved", text="已修复。")
    passed_down = actions.accept_reply(passed_down, actor=w.dispatcher)
    passed_down = actions.record_callback(
        passed_down, actor=w.callback_agent, solved="solved", satisfaction="satisfied"
    )
    still_open = w.signed()

    rows = {r.order.number: r for r in closed_orders()}

    assert set(rows) == {returned.number, passed_down.number}  # open orders teach nothing yet
    assert rows[returned.number].order.unit_id == w.dept_a.pk
    assert rows[returned.number].order.category_id == w.cat_potholes.pk
    # Passed down to the village: the hub's choice was the town, and that is what it must learn.
    assert rows[passed_down.number].order.unit_id == w.town.pk
    assert rows[passed_down.number].order.area_lineage[0] == w.area_village.pk
    assert still_open.number not in rows
