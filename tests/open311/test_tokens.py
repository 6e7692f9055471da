from __future__ import annotations

import json

from django.test import Client

from tests.open311.conftest import Api
from tests.open311.helpers import BASE, both, errors_of, validate_swagger
from tests.world import World


def test_a_token_gives_the_request_id(w: World, api: Api, client: Client) -> None:
    response = api.post(service_code="c-hj-zs", address_string="北山社区")
    number = json.loads(response.content)[0]["service_request_id"]
    body = both(client, f"/tokens/{number}")
    validate_swagger(body, "TokenResponse")
    assert body == [{"service_request_id": number, "token": number}]


def test_an_unknown_token_is_404(w: World, client: Client) -> None:
    errors_of(client.get(f"{BASE}/tokens/nope.json"), 404)
    errors_of(client.get(f"{BASE}/tokens/nope.xml"), 404)
