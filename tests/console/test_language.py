"""The console speaks Chinese by default and switches to English on request."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import translation

from tests.console.helpers import client_for, field_errors, text
from tests.world import World

pytestmark = pytest.mark.django_db


def test_it_speaks_chinese_by_default(w: World) -> None:
    html = text(Client().get("/login/"))
    assert '<html lang="zh-hans">' in html
    assert "登录" in html
    html = text(client_for(w.operator).get("/"))
    assert '<html lang="zh-hans">' in html
    assert "工作台" in html or "首页" in html


def test_it_ignores_the_browsers_language_for_chinese_staff(w: World) -> None:
    # Browsers that ask for Chinese of any region get the simplified Chinese console.
    html = text(Client().get("/login/", headers={"accept-language": "zh-CN,zh;q=0.9"}))
    assert '<html lang="zh-hans">' in html


def test_it_switches_to_english_and_back(w: World) -> None:
    client = client_for(w.operator)
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert response["Location"] == "/"
    html = text(client.get("/"))
    assert '<html lang="en">' in html
    assert 'name="language" value="zh-hans"' in html  # the switch now offers Chinese
    with translation.override("en"):
        log_out = translation.gettext("退出")
    assert log_out == "Log out"
    assert f">{log_out}</button>" in html
    assert ">退出</button>" not in html
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    assert '<html lang="zh-hans">' in text(client.get("/"))


def test_it_translates_form_messages_with_the_language(w: World) -> None:
    # The project has no catalogue of its own yet; Django's own messages show that the
    # language really is active, not just the attribute.
    client = client_for(w.operator)
    data = {"channel": "phone", "request_type": "complaint", "urgency": "normal", "content": "内容", "title": ""}
    zh = text(client.post("/intake/new", data))
    assert field_errors(zh, "id_title") == ["这个字段是必填项。"]
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    en = text(client.post("/intake/new", data))
    assert field_errors(en, "id_title") == ["This field is required."]


def test_it_keeps_the_page_after_switching(w: World) -> None:
    response = client_for(w.operator).post("/i18n/setlang/", {"language": "en", "next": "/orders/search/?q=1"})
    assert response["Location"] == "/orders/search/?q=1"
