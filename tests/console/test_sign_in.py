"""Signing in and out of the console."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.console.helpers import client_for, text
from tests.world import World

pytestmark = pytest.mark.django_db


def test_it_shows_the_sign_in_page_in_chinese(w: World) -> None:
    response = Client().get("/login/")
    assert response.status_code == 200
    html = text(response)
    assert "登录" in html
    assert 'name="username"' in html and 'name="password"' in html


def test_it_explains_a_wrong_password_in_chinese_without_a_stack_trace(w: World) -> None:
    response = Client().post("/login/", {"username": "operator", "password": "wrong"})
    assert response.status_code == 200
    html = text(response)
    assert "用户名或密码不正确" in html
    assert "Traceback" not in html and "Exception" not in html
    assert 'value="operator"' in html  # the username stays typed
    assert "_auth_user_id" not in Client().session


def test_it_signs_in_with_the_right_password(w: World) -> None:
    client = Client()
    response = client.post("/login/", {"username": "operator", "password": "pw-operator"})
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.get("/").status_code == 200


def test_it_goes_on_to_the_page_asked_for(w: World) -> None:
    client = Client()
    first = client.get("/orders/search/", {"q": "人民路"})
    assert first.status_code == 302
    login_page = client.get(first["Location"])
    wanted = "/orders/search/?q=%E4%BA%BA%E6%B0%91%E8%B7%AF"
    assert f'name="next" value="{wanted}"' in text(login_page)
    response = client.post("/login/", {"username": "handler_a", "password": "pw-handler_a", "next": wanted})
    assert response.status_code == 302
    assert response["Location"] == wanted
    assert client.get(wanted).status_code == 200


def test_it_ignores_a_next_pointing_to_another_site(w: World) -> None:
    response = Client().post(
        "/login/", {"username": "operator", "password": "pw-operator", "next": "https://evil.example/"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_it_refuses_an_inactive_account(w: World) -> None:
    w.operator.is_active = False
    w.operator.save(update_fields=["is_active"])
    response = Client().post("/login/", {"username": "operator", "password": "pw-operator"})
    assert response.status_code == 200
    assert "用户名或密码不正确" in text(response)


def test_it_logs_out_by_post_only(w: World) -> None:
    client = client_for(w.operator)
    assert client.get("/logout/").status_code == 405
    assert client.get("/").status_code == 200  # still signed in
    response = client.post("/logout/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")
    assert client.get("/").status_code == 302


def test_it_offers_logout_as_a_form_on_every_page(w: World) -> None:
    html = text(client_for(w.operator).get("/"))
    assert '<form method="post" action="/logout/">' in html
