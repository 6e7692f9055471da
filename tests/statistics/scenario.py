"""Varied orders through the real actions, for comparing the rollups with measures.py:
every edge case of the issue, spread over March and April 2026 (and across their boundary)."""

from __future__ import annotations

from civicdesk.orders import actions
from civicdesk.orders.models import WorkOrder
from tests.statistics.helpers import at, t
from tests.world import World


def _close(w: World, order: WorkOrder, solved: str = "solved", satisfaction: str = "satisfied") -> WorkOrder:
    order = actions.accept_reply(order, actor=w.dispatcher)
    return actions.record_callback(order, actor=w.callback_agent, solved=solved, satisfaction=satisfaction)


def _reply(w: World, order: WorkOrder, handler: object = None) -> WorkOrder:
    return actions.reply(order, actor=handler or w.handler_a, result="solved", text="已处理完毕并告知来电人。")


def build_scenario(w: World) -> dict[str, WorkOrder]:
    o: dict[str, WorkOrder] = {}
    with at(t(2)):
        o["extended"] = w.signed(topics=[w.topic_epidemic])
        o["answered"] = w.answered(channel="web", request_type="enquiry")
        o["reworked"] = w.signed()
        o["returned"] = w.signed(category=w.cat_noise)
        o["late"] = w.signed(urgency="urgent")
        o["no_rating"] = w.signed(area=w.area_village)
        o["parent"] = w.dispatched(topics=[w.topic_epidemic])
        o["child"] = w.new_order(topics=[w.topic_epidemic])
        w.voided()
        w.transferred()
    with at(t(2, 10)):
        o["child"] = actions.merge(o["child"], actor=w.dispatcher, into=o["parent"])
        o["parent"] = actions.sign_for(o["parent"], actor=w.handler_a)
    with at(t(3)):
        o["unsigned"] = w.dispatched(channel="web")  # never signed: counts once its sign-for limit passes
        o["returned"] = actions.request_return(o["returned"], actor=w.handler_a, reason="不属本单位职责。")
        o["returned"] = actions.approve_return(o["returned"], actor=w.dispatcher, new_lead_unit=w.dept_c)
        o["redispatched"] = w.dispatched()
        o["redispatched"] = actions.redispatch(
            o["redispatched"], actor=w.dispatcher, lead_unit=w.dept_b, reason="应由市场监管处理。"
        )
        o["town"] = actions.dispatch(w.new_order(request_type="help"), actor=w.dispatcher, lead_unit=w.town)
        o["town"] = actions.sign_for(o["town"], actor=w.town_handler)
        o["town"] = actions.sub_dispatch(o["town"], actor=w.town_head, sub_unit=w.village)
    with at(t(4)):
        o["returned"] = actions.sign_for(o["returned"], actor=w.handler_c)
        o["redispatched"] = actions.sign_for(o["redispatched"], actor=w.handler_b)
        o["no_rating"] = _close(w, _reply(w, o["no_rating"]), "partly", "no_rating")
        o["town"] = actions.sign_for(o["town"], actor=w.village_handler)
    with at(t(10)):
        o["reworked"] = actions.record_callback(
            actions.accept_reply(_reply(w, o["reworked"]), actor=w.dispatcher),
            actor=w.callback_agent,
            solved="unsolved",
            satisfaction="unsatisfied",
            rework=True,
            comment="仍未修好。",
        )
        o["returned"] = _close(w, _reply(w, o["returned"], w.handler_c), "solved", "basically")
        o["redispatched"] = _close(w, _reply(w, o["redispatched"], w.handler_b), "partly", "basically")
        o["parent"] = _close(w, _reply(w, o["parent"]))
    with at(t(20)):
        o["extended"] = actions.request_extension(o["extended"], actor=w.handler_a, days=5, reason="需协调施工单位。")
        o["extended"] = actions.approve_extension(o["extended"], actor=w.dispatcher)
    with at(t(12)):
        o["late"] = actions.urge(o["late"], actor=w.operator)  # 催办率
    with at(t(24)):
        o["late"] = _close(w, _reply(w, o["late"]), "solved", "unsatisfied")  # due 23 March: late
    with at(t(26)):
        o["extended"] = _close(w, _reply(w, o["extended"]))  # due 30 March after the extension: on time
        o["reworked"] = _close(w, _reply(w, o["reworked"]))
        o["crossing"] = w.signed(topics=[w.topic_epidemic])  # due in April
        o["open_late"] = w.dispatched(category=w.cat_noise)
    with at(t(31, 17)):
        o["boundary"] = w.new_order()  # created in March, dispatched in April
    with at(t(1, 9, month=4)):
        o["boundary"] = actions.dispatch(o["boundary"], actor=w.dispatcher, lead_unit=w.dept_a)
    with at(t(3, month=4)):
        # A reply the checks flag (答复质量提示率), sent back by the hub (答复退回率).
        o["crossing"] = actions.reply(
            o["crossing"], actor=w.handler_a, result="solved", text="瞎投诉，这事不归我们管。"
        )
        o["crossing"] = actions.send_back_reply(o["crossing"], actor=w.dispatcher, reason="语气不当，请重新答复。")
    with at(t(7, month=4)):
        o["crossing"] = _close(w, _reply(w, o["crossing"]), "unsolved", "satisfied")
        o["boundary"] = actions.sign_for(o["boundary"], actor=w.handler_a)
    with at(t(28, month=4)):
        o["late_open"] = w.signed()  # its deadline lies after the moment of judging
    return o
