"""补正 through the API (POST /orders/{number}/actions/request_material, supply_material): the
console's rights and refusals, as JSON errors with the field they are about."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from civicdesk.orders import actions
from civicdesk.orders.models import Assignment
from tests.world import World

pytestmark = pytest.mark.django_db


def test_a_department_asks_once_and_the_hub_records_the_material_in(w: World, as_user: Callable[..., Any]) -> None:
    order = w.joint(w.dept_b, w.dept_c)
    asked = as_user(w.handler_b).act(order.number, "request_material", order.version, reason="请补充环评批复。")
    assert asked.status_code == 200, asked.content.decode()
    part = Assignment.objects.get(order=order, unit=w.dept_b, active=True)
    assert part.material_requested_at is not None and part.material_supplied_at is None

    again = as_user(w.handler_b).act(order.number, "request_material", asked.json()["version"], reason="再补一份。")
    assert again.status_code == 422
    assert again.json()["code"] == "invalid_input"
    assert "已要求过一次补正" in again.json()["fields"]["reason"]

    supplied = as_user(w.operator).act(order.number, "supply_material", asked.json()["version"], unit="rc-sj")
    assert supplied.status_code == 200, supplied.content.decode()
    part.refresh_from_db()
    assert part.material_supplied_at is not None
    assert order.events.order_by("-seq").first().action == "supply_material"


def test_the_lead_department_cannot_ask_for_material(w: World, as_user: Callable[..., Any]) -> None:
    order = w.joint()
    response = as_user(w.handler_a).act(order.number, "request_material", order.version, reason="请补充。")
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert not Assignment.objects.filter(order=order, material_requested_at__isnull=False).exists()


def test_an_approving_department_cannot_record_its_own_material_in(w: World, as_user: Callable[..., Any]) -> None:
    order = actions.request_material(w.joint(), actor=w.handler_b, reason="请补充环评批复。")
    response = as_user(w.handler_b).act(order.number, "supply_material", order.version)
    assert response.status_code == 403
    assert Assignment.objects.get(order=order, unit=w.dept_b, active=True).material_supplied_at is None


def test_material_in_when_nobody_waits_is_refused(w: World, as_user: Callable[..., Any]) -> None:
    order = w.joint()
    response = as_user(w.operator).act(order.number, "supply_material", order.version)
    assert response.status_code == 422
    assert "没有等待补正材料的部门" in response.json()["detail"]


def test_an_unknown_department_code_names_the_field(w: World, as_user: Callable[..., Any]) -> None:
    order = actions.request_material(w.joint(), actor=w.handler_b, reason="请补充环评批复。")
    response = as_user(w.operator).act(order.number, "supply_material", order.version, unit="no-such-unit")
    assert response.status_code == 422
    assert "unit" in response.json()["fields"]


def test_a_request_without_a_reason_is_refused(w: World, as_user: Callable[..., Any]) -> None:
    order = w.joint()
    response = as_user(w.handler_b).act(order.number, "request_material", order.version, reason="  ")
    assert response.status_code == 422
    assert "reason" in response.json()["fields"]


def test_the_openapi_document_describes_both_moves(client: Any) -> None:
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for action in ("request_material", "supply_material"):
        operation = paths[f"/api/v1/orders/{{number}}/actions/{action}"]["post"]
        assert operation["operationId"] == f"action_{action}"
        assert {"403", "422"} <= set(operation["responses"])
