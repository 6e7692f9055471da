"""Orders arrive from the platform by its call (push, with its token) or by our pull; each
is taken in once, keeps its upstream number and deadline, and our unit's deadline ends the
hub's margin before the upstream one."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.test import Client

from civicdesk.orders import actions
from civicdesk.orders.models import WorkOrder
from civicdesk.upstream.ingest import pull
from civicdesk.upstream.models import Arrival, UpstreamPlatform
from tests.upstream.conftest import upstream_due
from tests.upstream.mock_upstream import MockUpstream
from tests.world import World

pytestmark = pytest.mark.django_db


def _push(platform: UpstreamPlatform, body: object, token: str | None = None) -> object:
    return Client().post(
        f"/upstream/{platform.code}/orders/",
        data=json.dumps(body, ensure_ascii=False),
        content_type="application/json",
        headers={"X-Upstream-Token": token if token is not None else platform.inbound_token},
    )


def test_a_pushed_order_keeps_its_number_and_deadline_and_caps_ours(w: World, platform: UpstreamPlatform) -> None:
    due = upstream_due(days=3)
    response = _push(
        platform,
        {
            "upstream_id": "MX-1",
            "title": "苹果滞销",
            "content": "果农反映苹果滞销，请帮助联系销路。",
            "due_at": due.isoformat(),
        },
    )

    assert response.status_code == 201  # type: ignore[attr-defined]
    order = WorkOrder.objects.get(upstream_id="MX-1")
    assert order.upstream_platform == "minxin" and order.channel == "provincial" and order.state == "pending_dispatch"
    assert order.upstream_due_at == due
    order = actions.dispatch(order, actor=w.dispatcher, lead_unit=w.dept_a)
    assert order.handle_due_at is not None and order.handle_due_at <= due - timedelta(hours=24)


def test_a_repeated_push_finds_the_same_order(w: World, platform: UpstreamPlatform) -> None:
    body = {"upstream_id": "MX-2", "title": "噪声扰民", "content": "夜间施工噪声扰民。"}
    first = _push(platform, body)
    again = _push(platform, body)

    assert (first.status_code, again.status_code) == (201, 200)  # type: ignore[attr-defined]
    assert first.json()["number"] == again.json()["number"]  # type: ignore[attr-defined]
    assert WorkOrder.objects.filter(upstream_id="MX-2").count() == 1


def test_a_wrong_token_or_bad_body_is_refused_clearly(w: World, platform: UpstreamPlatform) -> None:
    assert _push(platform, {"upstream_id": "MX-3"}, token="guess").status_code == 401  # type: ignore[attr-defined]
    missing = _push(platform, {"title": "无编号"})
    assert missing.status_code == 400 and "upstream_id" in missing.json()["error"]  # type: ignore[attr-defined]
    naive = _push(platform, {"upstream_id": "MX-4", "title": "t", "content": "c", "due_at": "2026-03-10 17:00"})
    assert naive.status_code == 400 and "带时区" in naive.json()["error"]  # type: ignore[attr-defined]
    assert not WorkOrder.objects.filter(upstream_platform="minxin").exists()


def test_a_pull_takes_new_orders_in_once(w: World, platform: UpstreamPlatform, mock: MockUpstream) -> None:
    platform.arrival = Arrival.PULL
    platform.save()
    mock.orders = [
        {"upstream_id": "MX-10", "title": "供暖不热", "content": "小区供暖温度不达标。"},
        {"upstream_id": "MX-11", "title": "", "content": "没有标题的工单"},
    ]

    first = pull(platform)
    second = pull(platform)

    assert (first.taken, first.refused, second.taken, second.known) == (1, 1, 0, 1)
    assert WorkOrder.objects.filter(upstream_platform="minxin").count() == 1
