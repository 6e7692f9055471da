"""Only the right side may make each move: every move × the people who may and may not."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from civicdesk.orders import actions
from civicdesk.orders.errors import PermissionDenied
from civicdesk.orders.models import OrderEvent, WorkOrder
from civicdesk.orders.workflow import MOVES
from civicdesk.org.models import OrgUnit, Role, UnitKind, User
from tests.orders.moves import (
    from_platform,
    handed_down,
    handed_to_remote,
    lower_hub,
    runner,
    snapshot,
    voided_at_remote,
)
from tests.world import World


def _auto_dispatched(w: World) -> WorkOrder:
    # What the dispatch model does (civicdesk.routing.actions): the system side dispatches.
    return actions.dispatch(w.pending(), actor=None, lead_unit=w.dept_a, auto={"model_version": 1, "confidence": 0.95})


def _material_waiting(w: World) -> WorkOrder:
    # 补正: the assisting unit asked for material that is not in yet.
    return actions.request_material(w.joint(), actor=w.handler_b, reason="请补充现场照片。")


def _views_in(w: World) -> WorkOrder:
    order = actions.give_view(w.consulting(), actor=w.handler_a, text="不属本单位职责。")
    return actions.give_view(order, actor=w.handler_b, text="属住建职责。")


def _by_town(w: World) -> WorkOrder:
    order = actions.dispatch(w.new_order(area=w.area_village), actor=w.dispatcher, lead_unit=w.town)
    return actions.sign_for(order, actor=w.town_handler)


HUB_STAFF_ONLY = [
    "operator",
    "handler_a",
    "callback_agent",
    "supervisor",
    "leader",
    "admin",
    "outsider",
    "inactive:dispatcher",
    "other_hub:dispatcher",
]
LEAD_ONLY = ["handler_b", "town_handler", "dispatcher", "operator", "outsider", "inactive:handler_a"]
ASSIST_ONLY = ["handler_a", "head_a", "handler_c", "dispatcher", "outsider", "inactive:handler_b"]

# action → (how to get an order the move is allowed from, who may, who may not)
RULES: dict[str, tuple[Callable[[World], WorkOrder], list[str], list[str]]] = {
    "answer": (
        World.new_order,
        ["operator", "dispatcher"],
        ["handler_a", "callback_agent", "leader", "outsider", "inactive:operator", "other_hub:dispatcher"],
    ),
    "send_to_hub": (
        World.new_order,
        ["operator", "dispatcher"],
        ["handler_a", "callback_agent", "supervisor", "outsider", "inactive:operator", "other_hub:operator"],
    ),
    "dispatch": (
        World.new_order,
        ["operator", "dispatcher", "system"],
        ["handler_a", "callback_agent", "leader", "outsider", "inactive:dispatcher", "other_hub:dispatcher"],
    ),
    "redispatch": (World.dispatched, ["dispatcher"], HUB_STAFF_ONLY),
    "hand_down": (
        World.pending,
        ["operator", "dispatcher"],
        ["handler_a", "callback_agent", "leader", "outsider", "inactive:dispatcher", "other_hub:dispatcher"],
    ),
    # Only the lower hub hands back up: the hub that handed it down decides, it does not ask.
    "return_to_upper": (
        handed_down,
        ["lower_hub:dispatcher"],
        ["dispatcher", "operator", "handler_a", "supervisor", "outsider", "other_hub:dispatcher"],
    ),
    "undo_auto_dispatch": (_auto_dispatched, ["dispatcher"], HUB_STAFF_ONLY),
    "sign": (World.dispatched, ["handler_a", "head_a"], LEAD_ONLY),
    "sign_part": (World.joint, ["handler_b"], ASSIST_ONLY),
    "sub_dispatch": (
        _by_town,
        ["town_handler", "town_head"],
        ["village_handler", "handler_a", "dispatcher", "outsider", "inactive:town_handler"],
    ),
    "request_return": (World.signed, ["handler_a", "head_a"], LEAD_ONLY),
    "approve_return": (World.return_requested, ["dispatcher"], HUB_STAFF_ONLY),
    "refuse_return": (World.return_requested, ["dispatcher"], HUB_STAFF_ONLY),
    "request_extension": (World.signed, ["handler_a", "head_a"], LEAD_ONLY),
    "approve_extension": (World.extension_requested, ["dispatcher"], HUB_STAFF_ONLY),
    "refuse_extension": (World.extension_requested, ["dispatcher"], HUB_STAFF_ONLY),
    "request_suspension": (World.signed, ["handler_a", "head_a"], LEAD_ONLY),
    "approve_suspension": (World.suspension_requested, ["dispatcher"], HUB_STAFF_ONLY),
    "refuse_suspension": (World.suspension_requested, ["dispatcher"], HUB_STAFF_ONLY),
    "resume": (
        World.suspended,
        ["dispatcher", "handler_a"],
        ["handler_b", "operator", "supervisor", "outsider", "inactive:handler_a", "other_hub:dispatcher"],
    ),
    "give_part": (World.joint, ["handler_b"], ASSIST_ONLY),
    # 补正 (parallel approval): the assisting unit asks; the material is recorded at intake or by the hub.
    "request_material": (World.joint, ["handler_b"], ASSIST_ONLY),
    "supply_material": (
        _material_waiting,
        ["operator", "dispatcher"],
        ["handler_a", "handler_b", "callback_agent", "outsider", "inactive:operator", "other_hub:operator"],
    ),
    "reply": (World.signed, ["handler_a", "head_a"], LEAD_ONLY),
    "accept_reply": (World.replied, ["dispatcher"], HUB_STAFF_ONLY),
    "send_back_reply": (World.replied, ["dispatcher"], HUB_STAFF_ONLY),
    "record_callback": (
        World.awaiting_callback,
        ["callback_agent", "system"],
        ["dispatcher", "handler_a", "operator", "outsider", "inactive:callback_agent", "other_hub:callback_agent"],
    ),
    "close_without_callback": (
        World.awaiting_callback,
        ["callback_agent", "dispatcher"],
        # Without a person only on the word of the upstream platform that calls back: not here.
        ["handler_a", "operator", "supervisor", "outsider", "inactive:callback_agent", "system"],
    ),
    "merge": (World.new_order, ["dispatcher"], HUB_STAFF_ONLY),
    # Without a person only on the upstream platform's word (its message's key): not here.
    "void": (World.new_order, ["dispatcher"], [*HUB_STAFF_ONLY, "system"]),
    "object_to_refusal": (World.refused, ["handler_a", "head_a"], LEAD_ONLY),
    # The second level: the configured reviewer roles (supervisor, leader), never the dispatcher.
    "uphold_objection": (
        World.objection_review,
        ["supervisor", "leader"],
        ["dispatcher", "handler_a", "operator", "outsider", "inactive:supervisor", "other_hub:supervisor"],
    ),
    "reject_objection": (
        World.objection_review,
        ["supervisor", "leader"],
        ["dispatcher", "handler_a", "operator", "outsider", "inactive:supervisor", "other_hub:supervisor"],
    ),
    "mark_difficult": (World.signed, ["dispatcher"], HUB_STAFF_ONLY),
    "convene_consultation": (World.bounced, ["dispatcher"], HUB_STAFF_ONLY),
    # Only a convened unit itself: not a unit above it, nor one left out.
    "give_view": (
        World.consulting,
        ["handler_a", "head_a", "handler_b"],
        ["handler_c", "town_handler", "dispatcher", "supervisor", "outsider", "inactive:handler_a"],
    ),
    "decide_consultation": (_views_in, ["dispatcher"], HUB_STAFF_ONLY),
    # The sweep's reminder before a view falls due: nobody sends it by hand.
    "remind_view": (World.consulting, ["system"], ["dispatcher", "supervisor", "handler_a"]),
    # The citizen withdraws by phone (operator), through the portal (system) or an API client.
    "withdraw": (
        World.signed,
        ["operator", "dispatcher", "system"],
        ["handler_a", "callback_agent", "supervisor", "outsider", "inactive:operator", "other_hub:operator"],
    ),
    "transfer_out": (
        World.new_order,
        ["operator", "dispatcher"],
        ["handler_a", "callback_agent", "outsider", "inactive:operator", "other_hub:operator"],
    ),
    "supervise": (
        World.signed,
        ["supervisor"],
        ["dispatcher", "handler_a", "leader", "outsider", "inactive:supervisor", "other_hub:supervisor", "system"],
    ),
    "deadline_notice": (World.signed, ["system"], ["supervisor", "dispatcher", "handler_a"]),
    "instruct": (
        World.signed,
        ["leader"],
        ["supervisor", "dispatcher", "handler_a", "head_a", "outsider", "inactive:leader"],
    ),
    "issue_notice": (
        World.signed,
        ["supervisor"],
        ["dispatcher", "leader", "handler_a", "outsider", "inactive:supervisor", "other_hub:supervisor"],
    ),
    "answer_notice": (World.noticed, ["handler_a", "head_a"], LEAD_ONLY),
    "escalate_notice": (World.noticed, ["system"], ["supervisor", "dispatcher", "handler_a"]),
    "acknowledge_instruction": (World.instructed, ["handler_a", "head_a"], LEAD_ONLY),
    "escalate_instruction": (World.instructed, ["system"], ["leader", "supervisor", "dispatcher", "handler_a"]),
    # Only the hub's dispatchers send an upstream platform's order back to it.
    "return_to_upstream": (
        from_platform,
        ["dispatcher"],
        [
            "operator",
            "handler_a",
            "callback_agent",
            "leader",
            "outsider",
            "inactive:dispatcher",
            "other_hub:dispatcher",
        ],
    ),
    # What the county's own system did arrives through its report door, never by a person's hand.
    "remote_progress": (handed_to_remote, ["system"], ["dispatcher", "supervisor", "handler_a", "admin"]),
    # And what it reports after the order left it here: the same door, never a person.
    "remote_late_report": (voided_at_remote, ["system"], ["dispatcher", "supervisor", "handler_a", "admin"]),
    # Nobody moves a deadline by hand: the admin changes the calendar and the system follows.
    "follow_calendar": (World.signed, ["system"], ["admin", "dispatcher", "handler_a"]),
    "supplement": (
        World.signed,
        ["operator", "dispatcher", "system"],
        ["handler_a", "callback_agent", "outsider", "inactive:operator"],
    ),
    # 催办: by phone (operator), at the hub, or from the portal (system, the citizen verified there).
    "urge": (
        World.signed,
        ["operator", "dispatcher", "system"],
        ["handler_a", "callback_agent", "supervisor", "leader", "outsider", "inactive:operator", "other_hub:operator"],
    ),
}


def _persona(w: World, name: str) -> User | None:
    if name == "system":
        return None
    kind, _, role_holder = name.rpartition(":")
    if kind == "inactive":
        user = getattr(w, role_holder)
        user.is_active = False
        user.save()
        return user
    if kind == "lower_hub":
        return lower_hub(w)[1]
    if kind == "other_hub":
        # A hub of another city, not above ours: its staff hold the same roles elsewhere.
        other = OrgUnit.objects.create(name="文登区服务中心", code="wd-hub", kind=UnitKind.CENTER, is_hub=True)
        role = {
            "dispatcher": Role.DISPATCHER,
            "operator": Role.OPERATOR,
            "callback_agent": Role.CALLBACK_AGENT,
            "supervisor": Role.SUPERVISOR,
        }[role_holder]
        return w.person(f"wd_{role_holder}", "文登" + role_holder, (other, role))
    return getattr(w, name)


def test_it_has_a_rule_for_every_move() -> None:
    assert set(RULES) == set(MOVES)


ALLOWED = [pytest.param(a, p, id=f"{a}-by-{p}") for a, (_, ok, _no) in RULES.items() for p in ok]
DENIED = [pytest.param(a, p, id=f"{a}-by-{p}") for a, (_, _ok, no) in RULES.items() for p in no]


@pytest.mark.parametrize(("action", "persona"), ALLOWED)
def test_it_lets_the_right_side_make_the_move(w: World, action: str, persona: str) -> None:
    order = RULES[action][0](w)
    run = runner(w, action, order)
    actor = _persona(w, persona)
    seen = order.event_count

    run(actor)

    event = OrderEvent.objects.filter(order=order).order_by("-seq").first()
    assert event is not None
    assert (event.seq, event.action, event.actor) == (seen + 1, action, actor)


@pytest.mark.parametrize(("action", "persona"), DENIED)
def test_it_refuses_everyone_else_and_writes_nothing(w: World, action: str, persona: str) -> None:
    order = RULES[action][0](w)
    run = runner(w, action, order)
    actor = _persona(w, persona)
    before = snapshot(order)

    with pytest.raises(PermissionDenied) as caught:
        run(actor)

    assert caught.value.message == f"您无权对工单 {order.number} 执行“{MOVES[action].label}”。"
    assert snapshot(order) == before


def test_it_lets_a_hub_above_act_for_the_hub_below(w: World) -> None:
    # Weihai's center may dispatch for Rongcheng's (DESIGN §2: hubs over hubs).
    upper = OrgUnit.objects.create(name="威海市12345中心", code="wh-hub", kind=UnitKind.CENTER, is_hub=True)
    w.hub.parent = upper
    w.hub.save()
    w.dept_a.refresh_from_db()  # its path moved with the hub
    upper_dispatcher = w.person("wh_dispatcher", "威海派单员", (upper, Role.DISPATCHER))
    order = w.new_order()

    order = actions.dispatch(order, actor=upper_dispatcher, lead_unit=w.dept_a)

    assert order.events.last().acting_unit == upper


def test_it_refuses_the_unit_that_lost_the_order(w: World) -> None:
    order = actions.redispatch(w.signed(), actor=w.dispatcher, lead_unit=w.dept_b, reason="改派")

    with pytest.raises(PermissionDenied):
        actions.sign_for(order, actor=w.handler_a)
    assert actions.sign_for(order, actor=w.handler_b).state == "signed"
