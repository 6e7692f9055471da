"""Password rules: Django's validators (length, common, numeric, similar to the user) wherever a
person sets a password; staff change their own on a console page; an administrator can reset
someone's password, who must then choose their own before anything else opens. The demo's
shared password still passes for the demo accounts."""

from __future__ import annotations

import pytest
from django.contrib.auth import password_validation
from django.test import Client
from pytest_django.fixtures import Settings

from civicdesk.demo.city import DEMO_PASSWORD, ROLE_ACCOUNTS
from civicdesk.org.models import User
from tests.console.helpers import client_for
from tests.world import World

pytestmark = pytest.mark.django_db

GOOD = "Lantern-river-42"


@pytest.fixture(autouse=True)
def _quick_hashes(w: World, settings: Settings) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    for persona in vars(w).values():
        if isinstance(persona, User):
            persona.set_password(f"pw-{persona.username}")
            persona.save(update_fields=["password"])


def _change(client: Client, old: str, new: str) -> tuple[int, str]:
    response = client.post("/password/", {"old_password": old, "new_password1": new, "new_password2": new})
    return response.status_code, response.content.decode()


@pytest.mark.parametrize(
    ("password", "why"),
    [("Ab3-xy", "密码太短"), ("12345678901", "只包含数字"), ("password123", "太常见"), ("handler_a1", "太相似")],
)
def test_a_weak_new_password_is_refused_with_the_reason(w: World, password: str, why: str) -> None:
    status, html = _change(client_for(w.handler_a), "pw-handler_a", password)
    assert status == 200 and why in html
    w.handler_a.refresh_from_db()
    assert w.handler_a.check_password("pw-handler_a")


def test_staff_change_their_own_password(w: World) -> None:
    client = client_for(w.handler_a)
    assert client.get("/password/").status_code == 200
    assert "修改密码" in client.get("/").content.decode()
    status, html = _change(client, "wrong-old-one", GOOD)
    assert status == 200 and "旧密码不正确" in html
    assert (
        client.post(
            "/password/", {"old_password": "pw-handler_a", "new_password1": GOOD, "new_password2": GOOD}
        ).status_code
        == 302
    )
    assert client.get("/").status_code == 200  # still signed in on this browser
    assert Client().post("/login/", {"username": "handler_a", "password": GOOD}).status_code == 302


def test_an_admin_resets_a_password_and_the_person_must_choose_a_new_one(w: World) -> None:
    admin = client_for(w.admin)
    weak = admin.post(
        f"/manage/org/users/{w.operator.pk}/password/", {"new_password1": "12345678", "new_password2": "12345678"}
    )
    assert weak.status_code == 400 and "只包含数字" in weak.content.decode()
    temporary = "Temporary-pass-73"
    response = admin.post(
        f"/manage/org/users/{w.operator.pk}/password/", {"new_password1": temporary, "new_password2": temporary}
    )
    assert response.status_code == 302
    person = Client()
    assert person.post("/login/", {"username": "operator", "password": "pw-operator"}).status_code == 200
    assert person.post("/login/", {"username": "operator", "password": temporary}).status_code == 302
    for url in ("/", "/intake/new", "/orders/search/?q=1"):
        response = person.get(url)
        assert response.status_code == 302 and response["Location"] == "/password/", url
    assert "管理员已重置您的密码" in person.get("/password/").content.decode()
    assert (
        person.post("/password/", {"old_password": temporary, "new_password1": GOOD, "new_password2": GOOD}).status_code
        == 302
    )
    assert person.get("/").status_code == 200
    w.operator.refresh_from_db()
    assert not w.operator.must_change_password


def test_only_an_admin_may_reset_a_password(w: World) -> None:
    response = client_for(w.dispatcher).post(
        f"/manage/org/users/{w.operator.pk}/password/", {"new_password1": GOOD, "new_password2": GOOD}
    )
    assert response.status_code == 403
    w.operator.refresh_from_db()
    assert w.operator.check_password("pw-operator") and not w.operator.must_change_password


def test_the_demo_password_passes_the_rules_for_every_demo_account() -> None:
    for username, name, _role in ROLE_ACCOUNTS:
        password_validation.validate_password(DEMO_PASSWORD, User(username=username, display_name=name))
