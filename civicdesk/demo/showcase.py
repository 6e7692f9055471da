"""Make sure the demo shows an order in every state of the lifecycle.

The year of history leaves most orders closed; a few states (an order still on the
operator's screen, a return or an extension waiting for review) last minutes or hours, so
random history may miss them. These orders are driven there on purpose, through the actions.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

from civicdesk.demo.city import City
from civicdesk.demo.history import ActionEngine, Simulation
from civicdesk.orders.models import WorkOrder
from civicdesk.orders.workflow import State
from civicdesk.org.models import Role, User

# A path is a list of moves (action, who makes it, parameters). ROUTE stands for the unit
# the dispatch catalogue names for the order.
ROUTE = object()
# The units a consultation convenes: the routed unit and another department.
CONCERNED = object()
Move = tuple[str, str, dict[str, Any]]

TO_UNIT: list[Move] = [
    ("send_to_hub", "owner", {}),
    ("dispatch", "dispatcher", {"lead_unit": ROUTE}),
    ("sign", "handler", {}),
]
REPLIED: list[Move] = [*TO_UNIT, ("reply", "handler", {"result": "solved", "text": "已现场处置，问题已解决。"})]
ACCEPTED: list[Move] = [*REPLIED, ("accept_reply", "dispatcher", {})]

PATHS: dict[str, list[Move]] = {
    State.RECEIVED: [],
    State.PENDING_DISPATCH: TO_UNIT[:1],
    State.DISPATCHED: TO_UNIT[:2],
    State.SIGNED: TO_UNIT,
    State.RETURN_REQUESTED: [
        *TO_UNIT,
        ("request_return", "handler", {"reason": "该事项属于其他部门职责", "legal_basis": "部门职责清单"}),
    ],
    State.OBJECTION_REVIEW: [
        *TO_UNIT,
        ("request_return", "handler", {"reason": "该路段由街道管养，不属本单位职责", "legal_basis": "部门职责清单"}),
        ("refuse_return", "dispatcher", {"reason": "经核实属本单位职责，请继续办理"}),
        ("object_to_refusal", "handler", {"reason": "有区政府移交文件为证，请复核"}),
    ],
    State.EXTENSION_REQUESTED: [*TO_UNIT, ("request_extension", "handler", {"days": 5, "reason": "需多部门现场会商"})],
    State.SUSPENSION_REQUESTED: [*TO_UNIT, ("request_suspension", "handler", {"reason": "当事人已起诉，等待法院判决"})],
    State.SUSPENDED: [
        *TO_UNIT,
        ("request_suspension", "handler", {"reason": "等待法院判决"}),
        ("approve_suspension", "dispatcher", {}),
    ],
    State.REPLIED: REPLIED,
    State.AWAITING_CALLBACK: ACCEPTED,
    State.REWORK: [
        *ACCEPTED,
        (
            "record_callback",
            "callback",
            {"solved": "unsolved", "satisfaction": "unsatisfied", "comment": "问题依旧", "rework": True},
        ),
    ],
    State.CLOSED: [*ACCEPTED, ("record_callback", "callback", {"solved": "solved", "satisfaction": "satisfied"})],
    State.ANSWERED: [("answer", "owner", {"answer": "已向来电人解答办理流程和所需材料。"})],
    State.VOID: [("void", "dispatcher", {"reason": "测试来电"})],
    State.TRANSFERRED: [("transfer_out", "owner", {"route": "110", "told_caller": "已告知来电人拨打110报警。"})],
    State.WITHDRAWN: [*TO_UNIT, ("withdraw", "owner", {"reason": "来电人称问题已自行解决，不再需要办理"})],
    State.CONSULTING: [
        *TO_UNIT[:2],
        ("mark_difficult", "dispatcher", {"reason": "职责交叉，相关单位互相推诿"}),
        ("convene_consultation", "dispatcher", {"units": CONCERNED, "reason": "请各单位说明职责依据"}),
    ],
}


def ensure_every_state(city: City, now: datetime, seed: int = 7) -> list[str]:
    """Drive one fresh order into each state no demo order is in yet; returns those states."""
    present = set(WorkOrder.objects.filter(hub=city.hub).values_list("state", flat=True).distinct())
    missing = [state for state in State.values if state not in present]
    engine = ActionEngine()
    simulation = Simulation(city, engine, random.Random(seed), now)
    for offset, state in enumerate(missing):
        moment = now - timedelta(hours=3, minutes=10 * offset)
        fields = simulation.new_order_fields(moment)
        fields.update(request_type="complaint", urgency="normal")
        order = engine.create(moment, **fields)
        if state == State.MERGED:
            parent = (
                WorkOrder.objects.filter(hub=city.hub)
                .exclude(state__in=[State.MERGED, State.VOID, State.TRANSFERRED])
                .exclude(pk=order.pk)
                .order_by("-pk")
                .first()
            )
            if parent is not None:
                engine.do(
                    "merge",
                    order,
                    moment + timedelta(minutes=5),
                    city.staff[Role.DISPATCHER][0],
                    into=parent,
                    note="同一事项重复来电",
                )
            continue
        for action, who, params in PATHS[state]:
            moment += timedelta(minutes=12)
            actor = _actor(simulation, city, order, who)
            resolved = {k: _resolve(simulation, city, order, v) for k, v in params.items()}
            order = engine.do(action, order, moment, actor, **resolved)
    return missing


def _resolve(simulation: Simulation, city: City, order: WorkOrder, value: object) -> object:
    if value is ROUTE or value is CONCERNED:
        routed = simulation.route(order.category, order.area)  # type: ignore[arg-type]
        if value is ROUTE:
            return routed
        other = next(unit for unit in city.departments.values() if unit.pk != routed.pk)
        return [routed, other]
    return value


def _actor(simulation: Simulation, city: City, order: WorkOrder, who: str) -> User:
    if who == "owner":
        return order.owner
    if who == "handler":
        assert order.lead_unit is not None
        return simulation.handler(order.lead_unit)
    if who == "callback":
        return city.staff[Role.CALLBACK_AGENT][0]
    return city.staff[Role.DISPATCHER][0]
