"""Every failure is JSON {detail, code, fields}: no HTML page, no stack trace."""

from __future__ import annotations

from tests.api.conftest import order_body


def _json_error(response, status):
    assert response.status_code == status, response.content.decode()
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"detail", "code", "fields"}
    assert "Traceback" not in response.content.decode()
    return body


def test_unknown_order_is_404(w, as_user):
    body = _json_error(as_user(w.dispatcher).get("/orders/2099010100001"), 404)
    assert body["code"] == "not_found" and "工单" in body["detail"]


def test_unknown_path_is_json_404(w, client):
    _json_error(client.get("/api/v1/nothing/here"), 404)
    _json_error(client.get("/api/whatever"), 404)


def test_wrong_method_is_json_405(w, as_user):
    response = as_user(w.dispatcher).http.delete("/api/v1/orders")
    body = _json_error(response, 405)
    assert body["code"] == "method_not_allowed" and "GET" in response["Allow"]


def test_broken_json_is_400(w, as_user):
    caller = as_user(w.operator)
    response = caller.http.post(
        "/api/v1/orders",
        "{not json",
        content_type="application/json",
        headers={"Authorization": f"Bearer {caller.token}", "Idempotency-Key": "x"},
    )
    assert _json_error(response, 400)["code"] == "bad_request"


def test_validation_messages_are_chinese_and_per_field(w, as_user):
    response = as_user(w.operator).create(order_body(title="x" * 201, request_type="gossip"))
    body = _json_error(response, 422)
    assert body["code"] == "validation_error"
    assert body["fields"]["title"] == "不能超过 200 个字。"
    assert "request_type" in body["fields"]
    assert body["detail"].startswith("请求参数有误")


def test_nul_characters_are_refused_not_crashed_on(w, as_user):
    # Refused for every request before the API reads it (civicdesk.runtime.middleware).
    body = _json_error(as_user(w.operator).create(order_body(content="坑\x00洼")), 400)
    assert body["code"] == "bad_request" and "NUL" in body["detail"]


def test_action_errors_from_the_engine(w, as_user):
    body = _json_error(as_user(w.operator).create(order_body(citizen_phone="abc")), 422)
    assert body["code"] == "invalid_input" and "citizen_phone" in body["fields"]


def test_a_person_without_intake_rights_cannot_create(w, as_user):
    body = _json_error(as_user(w.handler_a).create(order_body()), 403)
    assert body["code"] == "permission_denied"
