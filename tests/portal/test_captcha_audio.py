"""A citizen who cannot see the captcha picture can hear it: the portal offers the same question
read aloud (flite, offline), the sound answers only while the question is open, and a flood of
sounds from one address is refused. Where no speech synthesis is installed the portal says to
call the hotline instead of showing a dead link."""

from __future__ import annotations

import shutil

import pytest
from captcha.models import CaptchaStore
from django.test import Client, override_settings
from django.urls import reverse

from civicdesk.portal import captcha

pytestmark = pytest.mark.django_db

FLITE = shutil.which("flite")
needs_flite = pytest.mark.skipif(
    FLITE is None, reason="flite (Debian package `flite`, installed by .ci/run) is not on this machine"
)


@needs_flite
def test_the_question_is_read_aloud_as_a_wav(client: Client) -> None:
    question = captcha.new_question()

    page = client.get(reverse("portal:captcha"))
    sound = client.get(question.audio_url)

    assert 'id="captcha-audio"' in page.content.decode()
    assert sound.status_code == 200
    assert sound["Content-Type"] == "audio/wav"
    body = b"".join(sound.streaming_content) if sound.streaming else sound.content
    assert body[:4] == b"RIFF" and body[8:12] == b"WAVE"
    assert len(body) > 10_000  # five letters spoken take a few seconds of sound


@needs_flite
def test_a_used_question_has_no_sound(client: Client) -> None:
    question = captcha.new_question()
    captcha.check(question.key, "wrong")

    assert client.get(question.audio_url).status_code == 410
    assert not CaptchaStore.objects.filter(hashkey=question.key).exists()


@needs_flite
@override_settings(CIVICDESK_PORTAL_QUESTIONS_PER_IP_HOUR=2)
def test_one_address_cannot_flood_the_speech_synthesis(client: Client) -> None:
    question = captcha.new_question()

    answers = [client.get(question.audio_url).status_code for _ in range(3)]

    assert answers == [200, 200, 429]


@override_settings(CAPTCHA_FLITE_PATH=None)
def test_without_speech_synthesis_the_portal_points_to_the_hotline(client: Client) -> None:
    question = captcha.new_question()

    page = client.get(reverse("portal:captcha")).content.decode()

    assert question.audio_url == ""
    assert 'id="captcha-audio"' not in page and "12345" in page
    assert client.get(reverse("portal:captcha_audio", kwargs={"key": question.key})).status_code == 404
