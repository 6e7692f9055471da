"""The OpenAPI document lists the error answers each operation really gives: 400 (not JSON,
a NUL in the request), 413 (too large), 422 (invalid parameters), with the error body."""

from __future__ import annotations

import json

from django.test import Client

from tests.world import World


def test_every_operation_documents_400_and_422(w: World) -> None:
    schema = json.loads(Client().get("/api/v1/openapi.json").content)
    operations = [(path, method, op) for path, item in schema["paths"].items() for method, op in item.items()]
    assert len(operations) >= 5
    for path, method, op in operations:
        for status in ("400", "413", "422"):
            assert status in op["responses"], f"{method.upper()} {path} does not document {status}"
            content = op["responses"][status]["content"]["application/json"]["schema"]
            assert content == {"$ref": "#/components/schemas/Error"}


def test_a_documented_400_is_what_the_api_answers(w: World) -> None:
    from tests.security.api_caller import caller

    response = caller(w.operator).get("/orders", {"state": "x\x00"})
    assert response.status_code == 400 and set(response.json()) == {"detail", "code", "fields"}
