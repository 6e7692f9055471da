"""Property-based run of every operation in the OpenAPI document (schemathesis, through
the WSGI app): bodies, queries and headers generated from the schema never cause a 5xx, and
every answer is one the document lists, with the content type and body it documents.

Each action operation runs against an order that is in a state the action applies to,
with a caller who holds the right, and with the order's current version, so the
generated parameters reach the engine instead of stopping at 404 or 409."""

from __future__ import annotations

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from civicdesk.api.tokens import create_token
from civicdesk.orders.models import WorkOrder
from tests.api.test_actions import CASES

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())

_state: dict[str, object] = {}
# No 5xx, and no answer the schema does not describe (status, content type, body).
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
EXAMPLES: dict[str, int] = {}  # examples run per operation (printed with -s by the last test)


@pytest.fixture(scope="module")
def _report():
    """Prints how many generated examples ran once the module is done (visible with -s)."""
    yield
    print(f"\nschemathesis: {sum(EXAMPLES.values())} examples over {len(EXAMPLES)} operations")


@pytest.fixture
def _keep_test_connection():
    """The WSGI handler closes "old" connections around each request, which would close
    the test's transaction; Django's test client switches this off the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(max_examples=25, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck))
def test_no_server_error(case, w, _keep_test_connection, _report):
    operation_id = case.operation.definition.raw.get("operationId", "")
    action = operation_id.removeprefix("action_") if operation_id.startswith("action_") else None
    key = f"{w.hub.pk}:{operation_id}"
    if _state.get("key") != key:
        # Once per operation (the world is new for each): the order and the caller.
        if action is not None:
            build, persona, _params, _after = CASES[action]
            # The caller is a World attribute, or found from the order's world (a lower hub's dispatcher).
            order, user = build(w), (persona(w) if callable(persona) else getattr(w, persona))
        else:
            order, user = w.signed(), w.dispatcher
        _state.update(key=key, order=order.pk, token=create_token(user, "fuzz")[1])
    order = WorkOrder.objects.get(pk=_state["order"])
    if case.path_parameters and "number" in case.path_parameters:
        case.path_parameters["number"] = order.number
    if isinstance(case.body, dict) and "expected_version" in case.body:
        case.body["expected_version"] = order.version
    response = case.call(headers={"Authorization": f"Bearer {_state['token']}"})
    EXAMPLES[operation_id] = EXAMPLES.get(operation_id, 0) + 1
    case.validate_response(response, checks=CHECKS)
