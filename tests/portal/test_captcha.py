"""The captcha: a picture drawn on the server (django-simple-captcha), answered once, within its time."""

from __future__ import annotations

import re

import pytest
import time_machine
from captcha.models import CaptchaStore
from django.test import Client
from django.utils import timezone
from pytest_django.fixtures import Settings

from civicdesk.orders.models import WorkOrder
from civicdesk.portal import captcha
from tests.portal.helpers import form_data, open_submit, submit, text
from tests.world import World


def test_a_wrong_answer_is_refused_and_nothing_typed_is_lost(w: World) -> None:
    client = Client()
    response = submit(client, w, answer="8")
    html = text(response)
    assert response.status_code == 400
    assert "验证码不对或已过期" in html
    assert "路灯不亮已经一周" in html and "崖头街道人民路88号" in html
    assert not WorkOrder.objects.exists()


def test_a_missing_answer_is_refused(w: World) -> None:
    assert submit(Client(), w, answer="").status_code == 400
    assert not WorkOrder.objects.exists()


def test_an_answer_works_only_once(w: World) -> None:
    client = Client()
    key = open_submit(client)
    first = client.post("/portal/submit", {**form_data(w), "captcha_key": key, "captcha_answer": "7"})
    again = client.post("/portal/submit", {**form_data(w), "captcha_key": key, "captcha_answer": "7"})
    assert first.status_code == 302
    assert again.status_code == 400
    assert WorkOrder.objects.count() == 1


def test_an_old_question_expires(w: World) -> None:
    client = Client()
    key = open_submit(client)
    with time_machine.travel(timezone.now() + timezone.timedelta(minutes=captcha.CHALLENGE_MINUTES + 1)):
        response = client.post("/portal/submit", {**form_data(w), "captcha_key": key, "captcha_answer": "7"})
    assert response.status_code == 400
    assert not WorkOrder.objects.exists()


def test_the_error_page_brings_a_new_question(w: World) -> None:
    client = Client()
    key = open_submit(client)
    response = client.post("/portal/submit", {**form_data(w), "captcha_key": key, "captcha_answer": "1"})
    new_key = re.search(r'name="captcha_key" value="([^"]+)"', text(response))
    assert new_key and new_key.group(1) != key


@pytest.mark.usefixtures("db")
def test_the_page_shows_a_picture_and_holds_no_readable_answer(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.undo()  # real random questions here
    question = captcha.new_question()
    row = CaptchaStore.objects.get(hashkey=question.key)
    picture = Client().get(question.image_url)
    assert picture.status_code == 200 and picture["Content-Type"] == "image/png"
    assert picture.content.startswith(b"\x89PNG")
    assert row.response.upper() not in picture.content.decode("latin-1")


@pytest.mark.usefixtures("db")
def test_real_questions_use_letters_that_cannot_be_confused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.undo()
    texts = {captcha._question()[0] for _ in range(200)}
    assert len(texts) == 200
    assert all(len(t) == captcha.LENGTH and set(t) <= set(captcha.ALPHABET) for t in texts)
    assert not set("0O1IL") & set(captcha.ALPHABET)


@pytest.mark.usefixtures("db")
def test_the_answer_is_not_case_sensitive(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("civicdesk.portal.captcha._question", lambda: ("AbCdE", "AbCdE"))
    assert captcha.check(captcha.new_question().key, "abcde")
    assert captcha.check(captcha.new_question().key, " ABCDE ")
    assert not captcha.check(captcha.new_question().key, "abcdf")


def test_the_test_answer_setting_is_off_by_default_and_works_when_set(w: World, settings: Settings) -> None:
    assert submit(Client(), w, answer="PASSED").status_code == 400
    settings.CIVICDESK_PORTAL_CAPTCHA_TEST_ANSWER = "PASSED"
    assert submit(Client(), w, answer="PASSED").status_code == 302


def test_a_refresh_gives_a_new_question(db: None) -> None:
    response = Client().get("/portal/captcha")
    assert response.status_code == 200
    assert 'class="captcha-image' in text(response)
    assert CaptchaStore.objects.count() == 1


def test_one_address_cannot_draw_questions_without_end(db: None, settings: Settings) -> None:
    settings.CIVICDESK_PORTAL_QUESTIONS_PER_IP_HOUR = 2
    client = Client()
    assert 'class="captcha-image' in text(client.get("/portal/captcha"))
    assert 'class="captcha-image' in text(client.get("/portal/captcha"))
    refused = text(client.get("/portal/captcha"))
    assert 'class="captcha-image' not in refused
    assert "验证题刷新过于频繁" in refused
    assert CaptchaStore.objects.count() == 2
