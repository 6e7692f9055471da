"""Every lifecycle move through POST /orders/{number}/actions/{action}, with the console's rights."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from civicdesk.api.schemas import ACTION_BODIES
from civicdesk.orders import actions
from civicdesk.orders.models import WorkOrder
from tests.orders.moves import handed_down, lower_hub
from tests.world import World


def _town_signed(w: World) -> WorkOrder:
    order = actions.dispatch(w.new_order(), actor=w.dispatcher, lead_unit=w.town)
    return actions.sign_for(order, actor=w.town_handler)


def _views_in(w: World) -> WorkOrder:
    order = actions.give_view(w.consulting(), actor=w.handler_a, text="不属本单位职责。")
    return actions.give_view(order, actor=w.handler_b, text="属住建职责。")


R = {"reason": "理由说明"}


def _from_platform(w: World) -> WorkOrder:
    order = w.new_order(channel="provincial", upstream_platform="minxin", upstream_id="MX-API-1")
    return actions.send_to_hub(order, actor=w.operator)


# action: (how to get the order there, who acts, parameters, state after)
# Who acts: a persona of the world, or a function giving the person (a lower hub's dispatcher).
Actor = str | Callable[[World], Any]
CASES: dict[str, tuple[Callable[[World], WorkOrder], Actor, Callable[[World], dict[str, Any]], str]] = {
    "answer": (
        lambda w: w.new_order(),
        "operator",
        lambda w: {"answer": "已告知办理流程。", "article_ids": [1]},
        "answered",
    ),
    "send_to_hub": (lambda w: w.new_order(), "operator", lambda w: {"note": "请派单"}, "pending_dispatch"),
    "dispatch": (
        lambda w: w.pending(),
        "dispatcher",
        lambda w: {"lead_unit": "rc-zj", "assisting_units": ["rc-sj"]},
        "dispatched",
    ),
    "redispatch": (lambda w: w.dispatched(), "dispatcher", lambda w: {"lead_unit": "rc-sj", **R}, "dispatched"),
    "hand_down": (
        lambda w: (lower_hub(w), w.pending())[1],
        "dispatcher",
        lambda w: {"lower_hub": "sd-hub", "note": "属地办理"},
        "pending_dispatch",
    ),
    "return_to_upper": (handed_down, lambda w: lower_hub(w)[1], lambda w: R, "return_requested"),
    "return_to_upstream": (_from_platform, "dispatcher", lambda w: R, "transferred"),
    "sign": (lambda w: w.dispatched(), "handler_a", lambda w: {}, "signed"),
    "sign_part": (lambda w: w.joint(), "handler_b", lambda w: {}, "dispatched"),
    "sub_dispatch": (_town_signed, "town_handler", lambda w: {"sub_unit": "rc-yt-bs"}, "dispatched"),
    "request_return": (
        lambda w: w.signed(),
        "handler_a",
        lambda w: {**R, "legal_basis": "职责清单第3条"},
        "return_requested",
    ),
    "approve_return": (
        lambda w: w.return_requested(),
        "dispatcher",
        lambda w: {"new_lead_unit": "rc-sj"},
        "dispatched",
    ),
    "refuse_return": (lambda w: w.return_requested(), "dispatcher", lambda w: R, "signed"),
    "request_extension": (lambda w: w.signed(), "handler_a", lambda w: {"days": 2, **R}, "extension_requested"),
    "approve_extension": (lambda w: w.extension_requested(), "dispatcher", lambda w: {"days": "1.5"}, "signed"),
    "refuse_extension": (lambda w: w.extension_requested(), "dispatcher", lambda w: R, "signed"),
    "request_suspension": (lambda w: w.signed(), "handler_a", lambda w: R, "suspension_requested"),
    "approve_suspension": (lambda w: w.suspension_requested(), "dispatcher", lambda w: {}, "suspended"),
    "refuse_suspension": (lambda w: w.suspension_requested(), "dispatcher", lambda w: R, "signed"),
    "resume": (lambda w: w.suspended(), "handler_a", lambda w: {}, "signed"),
    "give_part": (lambda w: w.joint(), "handler_b", lambda w: {"text": "已配合检查。"}, "dispatched"),
    "request_material": (
        lambda w: w.joint(),
        "handler_b",
        lambda w: {"reason": "请补充环评批复复印件。"},
        "dispatched",
    ),
    "supply_material": (
        lambda w: actions.request_material(w.joint(), actor=w.handler_b, reason="请补充环评批复。"),
        "operator",
        lambda w: {"unit": "rc-sj", "note": "企业已补交。"},
        "dispatched",
    ),
    "reply": (lambda w: w.signed(), "handler_a", lambda w: {"result": "solved", "text": "已修复。"}, "replied"),
    "accept_reply": (lambda w: w.replied(), "dispatcher", lambda w: {}, "awaiting_callback"),
    "send_back_reply": (lambda w: w.replied(), "dispatcher", lambda w: R, "signed"),
    "record_callback": (
        lambda w: w.awaiting_callback(),
        "callback_agent",
        lambda w: {"solved": "solved", "satisfaction": "satisfied"},
        "closed",
    ),
    "close_without_callback": (lambda w: w.awaiting_callback(), "callback_agent", lambda w: R, "closed"),
    "merge": (lambda w: w.new_order(), "dispatcher", lambda w: {"into": w.dispatched().number}, "merged"),
    "void": (lambda w: w.new_order(), "dispatcher", lambda w: R, "void"),
    "mark_difficult": (lambda w: w.signed(), "dispatcher", lambda w: R, "signed"),
    "object_to_refusal": (lambda w: w.refused(), "handler_a", lambda w: R, "objection_review"),
    "uphold_objection": (
        lambda w: w.objection_review(),
        "supervisor",
        lambda w: {"new_lead_unit": "rc-yt"},
        "dispatched",
    ),
    "reject_objection": (lambda w: w.objection_review(), "leader", lambda w: R, "signed"),
    "convene_consultation": (
        lambda w: w.bounced(),
        "dispatcher",
        lambda w: {"units": ["rc-zj", "rc-sj"], "reason": "职责不清", "days": "1.5"},
        "consulting",
    ),
    "give_view": (lambda w: w.consulting(), "handler_b", lambda w: {"text": "属住建职责。"}, "consulting"),
    "decide_consultation": (
        _views_in,
        "dispatcher",
        lambda w: {"lead_unit": "rc-zj", "assisting_units": ["rc-sj"], "decision": "住建主办，市监协办。"},
        "dispatched",
    ),
    "withdraw": (lambda w: w.signed(), "operator", lambda w: {"reason": "问题已自行解决。"}, "withdrawn"),
    "transfer_out": (
        lambda w: w.new_order(),
        "operator",
        lambda w: {"route": "110", "told_caller": "请拨打110。"},
        "transferred",
    ),
    "instruct": (lambda w: w.signed(), "leader", lambda w: {"text": "请尽快修复。", "days": "0.5"}, "signed"),
    "issue_notice": (lambda w: w.signed(), "supervisor", lambda w: {"text": "请书面说明。", "days": "2"}, "signed"),
    "answer_notice": (lambda w: w.noticed(), "handler_a", lambda w: {"text": "已修复。"}, "signed"),
    "acknowledge_instruction": (lambda w: w.instructed(), "handler_a", lambda w: {}, "signed"),
    "supervise": (lambda w: w.signed(), "supervisor", lambda w: {"note": "请加快办理。"}, "signed"),
    "supplement": (lambda w: w.signed(), "operator", lambda w: {"text": "来电人补充：坑洼已扩大。"}, "signed"),
    "urge": (lambda w: w.signed(), "operator", lambda w: {"note": "来电人催促尽快修复。"}, "signed"),
}


def test_every_action_has_a_case():
    assert set(CASES) == set(ACTION_BODIES)


@pytest.mark.parametrize("action", sorted(CASES))
def test_action_through_the_api(w, as_user, action):
    build, persona, params, expected = CASES[action]
    order = build(w)
    body = params(w)
    actor = persona(w) if callable(persona) else getattr(w, persona)
    response = as_user(actor).act(order.number, action, order.version, **body)
    assert response.status_code == 200, response.content.decode()
    data = response.json()
    assert data["state"] == expected
    assert data["version"] == order.version + 1
    order.refresh_from_db()
    assert order.state == expected
    assert order.events.order_by("-seq").first().action == action


def test_a_handler_cannot_accept_a_reply(w, as_user):
    order = w.replied()
    response = as_user(w.handler_a).act(order.number, "accept_reply", order.version)
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert "无权" in response.json()["detail"]
    order.refresh_from_db()
    assert order.state == "replied"


def test_a_stale_version_is_a_conflict(w, as_user):
    order = w.dispatched()
    response = as_user(w.handler_a).act(order.number, "sign", order.version - 1)
    assert response.status_code == 409
    assert response.json()["code"] == "conflict"
    assert order.number in response.json()["detail"]


def test_a_move_the_state_does_not_allow_is_422(w, as_user):
    order = w.new_order()
    response = as_user(w.dispatcher).act(order.number, "accept_reply", order.version)
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_transition"


def test_missing_version_is_422(w, as_user):
    order = w.dispatched()
    response = as_user(w.handler_a).post(f"/orders/{order.number}/actions/sign", {})
    assert response.status_code == 422
    assert "expected_version" in response.json()["fields"]


def test_unknown_unit_code_names_the_field(w, as_user):
    order = w.pending()
    response = as_user(w.dispatcher).act(order.number, "dispatch", order.version, lead_unit="no-such-unit")
    assert response.status_code == 422
    assert "lead_unit" in response.json()["fields"]


def test_action_errors_keep_their_fields(w, as_user):
    order = w.signed()
    response = as_user(w.handler_a).act(order.number, "reply", order.version, result="solved", text="   ")
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_input" and "text" in response.json()["fields"]


def test_an_order_the_caller_cannot_see_is_404(w, as_user):
    order = w.dispatched()
    response = as_user(w.handler_c).act(order.number, "sign", order.version)
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_unknown_action_is_json_404(w, as_user):
    order = w.dispatched()
    response = as_user(w.handler_a).act(order.number, "teleport", order.version)
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")


def test_allowed_actions_are_listed(w, as_user):
    order = w.dispatched()
    data = as_user(w.handler_a).get(f"/orders/{order.number}").json()
    assert "sign" in data["allowed_actions"] and "dispatch" not in data["allowed_actions"]
