"""The OpenAPI 3 document is generated from the code, valid, and served without a CDN."""

from __future__ import annotations

from openapi_spec_validator import validate

from civicdesk.api.schemas import ACTION_BODIES

URL = "/api/v1/openapi.json"


def test_schema_is_served_and_valid(client):
    response = client.get(URL)
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    validate(schema)
    paths = schema["paths"]
    assert {"/api/v1/orders", "/api/v1/orders/{number}", "/api/v1/orders/{number}/events"} <= set(paths)
    for action in ACTION_BODIES:
        assert f"/api/v1/orders/{{number}}/actions/{action}" in paths
    create = paths["/api/v1/orders"]["post"]
    assert any(p["name"] == "Idempotency-Key" and p["required"] for p in create["parameters"])
    assert schema["components"]["securitySchemes"]["BearerToken"]["scheme"] == "bearer"


def test_no_docs_page_that_would_load_from_a_cdn(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 404
    assert "cdn" not in response.content.decode().lower()
    assert "cdn" not in client.get(URL).content.decode().lower()
