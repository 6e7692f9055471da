from __future__ import annotations

import hashlib
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from civicdesk.open311.keys import authenticate
from civicdesk.open311.models import ApiClient
from civicdesk.orders.models import WorkOrder
from civicdesk.org.models import Role
from tests.open311.conftest import Api
from tests.open311.helpers import BASE, errors_of
from tests.world import World

FIELDS = {"service_code": "c-hj-zs", "address_string": "北山社区"}


def test_the_command_prints_the_key_last_and_keeps_only_a_hash(w: World) -> None:
    out = StringIO()
    call_command("open311_key", "create", "市民随手拍", stdout=out)
    key = out.getvalue().strip().splitlines()[-1]
    client = ApiClient.objects.get(name="市民随手拍")
    assert key.startswith(client.key_prefix + ".")
    assert client.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert key not in client.key_hash and authenticate(key) == client
    # The service account takes requests in as an operator of the hub, and cannot sign in.
    user = client.user
    assert [(m.unit, m.role) for m in user.memberships.all()] == [(w.hub, Role.OPERATOR)]
    assert not user.has_usable_password()
    assert client.hub == w.hub


def test_the_command_lists_and_revokes(w: World) -> None:
    out = StringIO()
    call_command("open311_key", "create", "app", "--hub", "rc-hub", "--rate", "5", stdout=out)
    key = out.getvalue().strip().splitlines()[-1]
    listing = StringIO()
    call_command("open311_key", "list", stdout=listing)
    assert "app" in listing.getvalue() and "5/min" in listing.getvalue() and key not in listing.getvalue()
    call_command("open311_key", "revoke", "app", stdout=StringIO())
    assert authenticate(key) is None


def test_the_command_refuses_duplicates_and_unknown_hubs(w: World) -> None:
    call_command("open311_key", "create", "app", stdout=StringIO())
    with pytest.raises(CommandError):
        call_command("open311_key", "create", "app", stdout=StringIO())
    with pytest.raises(CommandError):
        call_command("open311_key", "create", "other", "--hub", "rc-zj", stdout=StringIO())


def test_posting_without_a_valid_key_is_403(w: World, api: Api) -> None:
    prefix, secret = api.key.split(".")
    for key in (None, "", "garbage", f"{prefix}.{secret[:-1]}x", f"00000000.{secret}"):
        data = dict(FIELDS) if key is None else {**FIELDS, "api_key": key}
        for fmt in ("json", "xml"):
            errors_of(api.http.post(f"{BASE}/requests.{fmt}", data), 403)
    assert not WorkOrder.objects.exists()


def test_a_revoked_key_is_403(w: World, api: Api) -> None:
    call_command("open311_key", "revoke", api.client.name, stdout=StringIO())
    errors_of(api.post(**FIELDS), 403)


def test_the_key_may_come_in_the_query_string(w: World, api: Api) -> None:
    response = api.http.post(f"{BASE}/requests.json?api_key={api.key}", FIELDS)
    assert response.status_code == 200, response.content
