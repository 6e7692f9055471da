"""Only a live bearer token gets in; everything else is a JSON 401."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from civicdesk.api.models import ApiToken
from civicdesk.api.tokens import create_token, revoke, token_hash

URL = "/api/v1/orders"


def _unauthorized(response):
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["code"] == "unauthorized"
    assert "令牌" in body["detail"]
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_no_token_is_401(w, client):
    _unauthorized(client.get(URL))


@pytest.mark.parametrize(
    "header",
    [
        "Bearer nonsense",
        "Bearer cd_000000000000.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "Token abc",
        "Bearer ",
    ],
)
def test_bad_token_is_401(w, client, header):
    _unauthorized(client.get(URL, headers={"Authorization": header}))


def test_right_prefix_wrong_secret_is_401(w, client):
    _record, token = create_token(w.dispatcher, "sys")
    forged = token[: token.index(".") + 1] + "x" * 43
    _unauthorized(client.get(URL, headers={"Authorization": f"Bearer {forged}"}))


def test_revoked_token_is_401(w, client):
    record, token = create_token(w.dispatcher, "sys")
    assert client.get(URL, headers={"Authorization": f"Bearer {token}"}).status_code == 200
    revoke(record)
    _unauthorized(client.get(URL, headers={"Authorization": f"Bearer {token}"}))


def test_disabled_user_token_is_401(w, client):
    _record, token = create_token(w.dispatcher, "sys")
    w.dispatcher.is_active = False
    w.dispatcher.save()
    _unauthorized(client.get(URL, headers={"Authorization": f"Bearer {token}"}))


def test_session_login_does_not_authenticate_the_api(w, client):
    client.force_login(w.dispatcher)
    _unauthorized(client.get(URL))


def test_good_token_works_and_records_last_use(w, client):
    record, token = create_token(w.dispatcher, "sys")
    assert record.last_used is None
    assert client.get(URL, headers={"Authorization": f"Bearer {token}"}).status_code == 200
    record.refresh_from_db()
    assert record.last_used is not None
    # Only the hash is stored.
    assert record.token_hash == token_hash(token) and token not in record.token_hash


def test_command_prints_the_token_as_last_line(w):
    out = StringIO()
    call_command("api_token", "create", "dispatcher", "省级平台", stdout=out)
    token = out.getvalue().strip().splitlines()[-1]
    record = ApiToken.objects.get(name="省级平台")
    assert record.user == w.dispatcher and record.token_hash == token_hash(token)
    assert Client().get(URL, headers={"Authorization": f"Bearer {token}"}).status_code == 200

    out = StringIO()
    call_command("api_token", "revoke", record.prefix, stdout=out)
    assert Client().get(URL, headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_command_refuses_unknown_user(w):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("api_token", "create", "nobody", "x", stdout=StringIO())
