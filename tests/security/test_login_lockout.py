"""Guessing passwords on /login/ and /admin/login/: after a few failures the account is locked,
also for the right password, per account and per client address (the address a trusted proxy
reports, never one the client makes up); an administrator can unlock; the page says why."""

from __future__ import annotations

import pytest
import time_machine
from django.test import Client
from django.utils import timezone
from pytest_django.fixtures import Settings

from civicdesk.org.models import User
from tests.console.helpers import client_for
from tests.world import World

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _quick_hashes(w: World, settings: Settings) -> None:
    # Each wrong password is checked against a real hash; a cheap hasher keeps the many tries quick.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    for user in User.objects.all():
        user.set_password(f"pw-{user.username}")
        user.save(update_fields=["password"])
    for persona in vars(w).values():
        if isinstance(persona, User):
            persona.refresh_from_db()  # a signed-in session carries a digest of the password


def _sign_in(username: str, password: str, address: str = "203.0.113.5", path: str = "/login/", **extra: str):  # type: ignore[no-untyped-def]
    return Client(REMOTE_ADDR=address, **extra).post(path, {"username": username, "password": password})


def test_sixty_wrong_passwords_lock_the_account_even_for_the_right_one(w: World) -> None:
    statuses = [_sign_in("operator", f"guess-{n}").status_code for n in range(60)]
    assert statuses[:4] == [200] * 4  # the form again: wrong password
    assert set(statuses[4:]) == {429}  # the fifth failure locks
    refused = _sign_in("operator", "pw-operator")
    assert refused.status_code == 429
    html = refused.content.decode()
    assert "登录失败次数过多，已暂时锁定" in html and "15 分钟" in html
    assert "_auth_user_id" not in refused.client.session


def test_the_lock_message_is_in_english_for_english_users(w: World) -> None:
    for n in range(5):
        _sign_in("operator", f"guess-{n}")
    refused = _sign_in("operator", "pw-operator", HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 429
    assert "Too many failed sign-ins" in refused.content.decode()


def test_the_admin_sign_in_is_locked_too(w: World) -> None:
    User.objects.create_superuser("root", password="a-Long-admin-pass-42")
    for n in range(5):
        _sign_in("root", f"guess-{n}", path="/admin/login/")
    refused = _sign_in("root", "a-Long-admin-pass-42", path="/admin/login/")
    assert refused.status_code == 429
    assert "_auth_user_id" not in refused.client.session


def test_one_address_trying_many_accounts_is_locked(w: World, settings: Settings) -> None:
    settings.CIVICDESK_LOGIN_ADDRESS_FAILURES = 8
    for n, username in enumerate(["operator", "dispatcher", "handler_a", "head_a"] * 2):
        # At most two failures per account: only the address's eighth failure locks.
        assert _sign_in(username, f"guess-{n}").status_code == (429 if n == 7 else 200)
    assert _sign_in("supervisor", "pw-supervisor").status_code == 429
    # Another address is not affected.
    assert _sign_in("supervisor", "pw-supervisor", address="198.51.100.20").status_code == 302


def test_the_address_is_the_one_the_trusted_proxy_reports(w: World, settings: Settings) -> None:
    settings.CIVICDESK_LOGIN_ADDRESS_FAILURES = 4
    for n, username in enumerate(["operator", "dispatcher", "handler_a", "head_a"]):
        _sign_in(username, f"guess-{n}", HTTP_X_FORWARDED_FOR=f"10.9.9.{n}")
    # Without a trusted proxy a made-up X-Forwarded-For changes nothing: the address stays locked.
    assert _sign_in("leader", "pw-leader", HTTP_X_FORWARDED_FOR="10.1.1.1").status_code == 429
    settings.CIVICDESK_TRUSTED_PROXY_HOPS = 1
    for n, username in enumerate(["operator", "dispatcher", "handler_a", "head_a"]):
        _sign_in(username, f"guess-{n}", address="127.0.0.1", HTTP_X_FORWARDED_FOR="192.0.2.77")
    assert _sign_in("leader", "pw-leader", address="127.0.0.1", HTTP_X_FORWARDED_FOR="192.0.2.77").status_code == 429
    assert _sign_in("leader", "pw-leader", address="127.0.0.1", HTTP_X_FORWARDED_FOR="192.0.2.78").status_code == 302


def test_an_administrator_unlocks_the_account(w: World) -> None:
    for n in range(5):
        _sign_in("operator", f"guess-{n}")
    admin = client_for(w.admin)
    response = admin.get(f"/manage/org/users/{w.operator.pk}/")
    assert response.status_code == 200, response
    page = response.content.decode()
    assert 'id="sign-in-locked"' in page
    assert client_for(w.handler_a).post(f"/manage/org/users/{w.operator.pk}/unlock/").status_code == 403
    assert _sign_in("operator", "pw-operator").status_code == 429
    response = admin.post(f"/manage/org/users/{w.operator.pk}/unlock/", follow=True)
    assert "已解除登录锁定" in response.content.decode()
    assert _sign_in("operator", "pw-operator").status_code == 302


def test_the_lock_ends_after_the_lockout_time(w: World) -> None:
    for n in range(5):
        _sign_in("operator", f"guess-{n}")
    assert _sign_in("operator", "pw-operator").status_code == 429
    with time_machine.travel(timezone.now() + timezone.timedelta(minutes=16)):
        assert _sign_in("operator", "pw-operator").status_code == 302
