from __future__ import annotations

import json

from django.test import Client

from tests.open311.conftest import Api
from tests.open311.helpers import BASE
from tests.world import World

PATHS = ["/requests", "/servicerequestupdates", "/services", "/tokens/{n}", "/requests/{n}"]


def _everything(client: Client, numbers: list[str]) -> str:
    bodies = []
    for template in PATHS:
        for number in numbers:
            for fmt in ("json", "xml"):
                for extensions in ("", "true"):
                    path = template.format(n=number)
                    response = client.get(f"{BASE}{path}.{fmt}", {"extensions": extensions})
                    assert response.status_code == 200, (path, response.content)
                    bodies.append(response.content.decode("utf-8"))
    return "\n".join(bodies)


def test_no_caller_or_staff_data_is_published(w: World, api: Api, client: Client) -> None:
    phoned = w.closed(
        citizen_name="李秀英",
        citizen_phone="13512345678",
        content="李秀英反映：人民路有坑，回电 13512345678 或 0631-7654321，邮箱 lxy@example.org。",
    )
    response = api.post(
        service_code="c-hj-zs",
        address_string="北山社区",
        description="夜间施工噪音",
        first_name="Alice",
        last_name="Smithers",
        phone="+86 139 0000 3333",
        email="alice@example.org",
        account_id="acct-99",
        device_id="device-xyz",
    )
    posted = json.loads(response.content)[0]["service_request_id"]
    text = _everything(client, [phoned.number, posted])
    for private in (
        "李秀英",
        "13512345678",
        "7654321",
        "lxy@example.org",
        "Alice",
        "Smithers",
        "0000 3333",
        "alice@example.org",
        "acct-99",
        "device-xyz",
        "王先生",
        "13800001234",
    ):
        assert private not in text, private
    for person in (w.operator, w.dispatcher, w.handler_a, w.callback_agent, api.client.user):
        assert person.display_name not in text and person.username not in text
    # The public still reads what the matter is.
    assert "人民路有坑" in text and "夜间施工噪音" in text
