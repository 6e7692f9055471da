"""The lower side: the upstream platform (民心网, or the CivicDesk of the level above) makes
its own moves on an order it sent us — voids it, passes on its citizen's withdrawal, extra
information or 催办, supervises it — through its door for moves. Each is made here as the
same move on our order: on the timeline, the units holding it told as for a local one; once,
however often it is delivered; never reported back up to the platform that made it."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from civicdesk.notifications.models import Medium, OutboxMessage
from civicdesk.orders import actions
from civicdesk.orders.models import OrderEvent, WorkOrder
from civicdesk.orders.timeline import entries
from civicdesk.upstream.ingest import ingest
from civicdesk.upstream.models import UpstreamPlatform
from tests.upstream.conftest import upstream_due
from tests.world import World

pytestmark = pytest.mark.django_db
UPSTREAM_ID = "2026120600042"  # the number the platform knows it by


def _with_unit(w: World, platform: UpstreamPlatform) -> WorkOrder:
    data = {"upstream_id": UPSTREAM_ID, "title": "井盖缺失", "content": "人民路口井盖缺失，夜间危险。"}
    order = ingest(platform, {**data, "due_at": upstream_due(10).isoformat()}).order
    order = actions.dispatch(order, actor=w.dispatcher, lead_unit=w.dept_a)
    return actions.sign_for(order, actor=w.handler_a)


def _move(
    platform: UpstreamPlatform, kind: str, key: str, note: str = "", token: str = "", **extra: Any
) -> tuple[int, dict]:
    body = {"idempotency_key": key, "upstream_id": UPSTREAM_ID, "kind": kind, "note": note, **extra}
    answer = Client().post(
        f"/upstream/{platform.code}/moves/",
        json.dumps(body),
        content_type="application/json",
        headers={"X-Upstream-Token": token or platform.inbound_token},
    )
    return answer.status_code, answer.json()


def _told(order: WorkOrder, action: str) -> set[str]:
    event = OrderEvent.objects.filter(order=order, action=action).latest("seq")
    messages = OutboxMessage.objects.filter(event=event, medium=Medium.INBOX).select_related("user")
    return {m.user.username for m in messages if m.user is not None}


def _reported_up(order: WorkOrder) -> list[str]:
    upstream = OutboxMessage.objects.filter(order=order, medium=Medium.UPSTREAM).order_by("pk")
    return list(upstream.values_list("template", flat=True))


def test_an_urge_from_above_is_our_urge_once_and_the_unit_hears_of_it(w: World, platform: UpstreamPlatform) -> None:
    order = _with_unit(w, platform)

    first = _move(platform, "urge", "down:N1:7", "来电人第二次来电催促")
    again = _move(platform, "urge", "down:N1:7", "来电人第二次来电催促")

    order.refresh_from_db()
    assert first[0] == 200 and again == (200, {"number": order.number, "code": 0, "replayed": True})
    assert order.urge_count == 1
    urged = OrderEvent.objects.get(order=order, action="urge")
    assert urged.actor is None and urged.note == "来电人第二次来电催促"
    assert "handler_a" in _told(order, "urge")
    shown = [e for e in entries(list(order.events.order_by("seq"))) if e.what == "催办"]
    assert [(e.who, e.note) for e in shown] == [("上级平台", "来电人第二次来电催促")]


def test_information_added_above_reaches_the_unit(w: World, platform: UpstreamPlatform) -> None:
    order = _with_unit(w, platform)

    status, _body = _move(platform, "supplement", "down:N1:8", "井盖在路口东侧。", attachments=2)

    assert status == 200
    added = OrderEvent.objects.get(order=order, action="supplement")
    assert added.note.startswith("井盖在路口东侧。") and "附件 2 个" in added.note
    assert "handler_a" in _told(order, "supplement")


def test_a_supervision_from_above_raises_the_level_and_tells_the_unit(w: World, platform: UpstreamPlatform) -> None:
    order = _with_unit(w, platform)

    assert _move(platform, "supervise", "down:N1:9", "请加快办理")[0] == 200

    order.refresh_from_db()
    assert order.supervision_level == 1
    assert "handler_a" in _told(order, "supervise")


def test_a_void_from_above_stops_the_units_and_is_not_reported_back_as_a_return(
    w: World, platform: UpstreamPlatform
) -> None:
    order = _with_unit(w, platform)

    assert _move(platform, "void", "down:N1:10", "与另一工单重复")[0] == 200
    assert _move(platform, "void", "down:N1:10", "与另一工单重复")[0] == 200

    order.refresh_from_db()
    assert order.state == "void" and order.void_reason == "与另一工单重复"
    assert OrderEvent.objects.filter(order=order, action="void").count() == 1
    assert "handler_a" in _told(order, "void")
    # The platform voided it: it hears nothing back about it (accepted, signed were reported before).
    assert _reported_up(order) == ["upstream:accepted", "upstream:signed"]


def test_a_withdrawal_from_above_withdraws_our_order(w: World, platform: UpstreamPlatform) -> None:
    order = _with_unit(w, platform)

    assert _move(platform, "withdraw", "down:N1:11", "问题已自行解决", via="phone")[0] == 200

    order.refresh_from_db()
    assert order.state == "withdrawn"
    withdrawn = OrderEvent.objects.get(order=order, action="withdraw")
    assert withdrawn.data["via"] == "upstream" and withdrawn.note == "问题已自行解决"
    assert "upstream:withdrawn" not in _reported_up(order)


def test_a_move_that_comes_after_the_order_moved_on_is_taken_with_the_reason_and_changes_nothing(
    w: World, platform: UpstreamPlatform
) -> None:
    order = _with_unit(w, platform)
    actions.void(order, actor=w.dispatcher, reason="骚扰电话")

    status, body = _move(platform, "urge", "down:N1:12", "催促")

    # Not an error to resend for ever: the platform's side sees it delivered, with why it did nothing.
    assert status == 200 and body["applied"] is False and "已作废" in body["reason"]
    order.refresh_from_db()
    assert order.urge_count == 0 and not OrderEvent.objects.filter(order=order, action="urge").exists()


def test_only_the_platform_with_its_token_on_its_own_orders_and_known_moves(
    w: World, platform: UpstreamPlatform
) -> None:
    order = _with_unit(w, platform)

    assert _move(platform, "void", "k1", "作废", token="guess")[0] == 401
    assert _move(platform, "reply", "k2", "已办结")[0] == 400
    assert _move(platform, "void", "", "作废")[0] == 400
    body = {"idempotency_key": "k3", "upstream_id": "MX-UNKNOWN", "kind": "void", "note": "作废"}
    unknown = Client().post(
        f"/upstream/{platform.code}/moves/",
        json.dumps(body),
        content_type="application/json",
        headers={"X-Upstream-Token": platform.inbound_token},
    )
    assert unknown.status_code == 404
    order.refresh_from_db()
    assert order.state == "signed"
