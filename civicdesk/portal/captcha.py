"""The portal's captcha: django-simple-captcha draws the picture (a TrueType font shipped with
it, every letter turned at random, under noise arcs and dots; Pillow on the server, no outside
service), this module hands out questions under the portal's per-address limit and checks an
answer once.

The earlier design drew fixed stroke shapes as SVG, which a short script read back every
time; a raster image of rotated font letters under noise has no markup to read.

For browser tests only, CIVICDESK_PORTAL_CAPTCHA_TEST_ANSWER (environment, empty by default)
names an answer that is accepted as well; production leaves it empty.
"""

from __future__ import annotations

import hashlib
import hmac
import random
import secrets
from dataclasses import dataclass
from datetime import timedelta

from captcha import views as drawing
from captcha.models import CaptchaStore
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone

# Letters and digits that cannot be mistaken for one another (no 0/O, 1/I/L, 5/S, 2/Z, 8/B).
ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
LENGTH = 5
CHALLENGE_MINUTES = 15
_random = secrets.SystemRandom()


@dataclass(frozen=True)
class Question:
    key: str

    @property
    def image_url(self) -> str:
        return reverse("portal:captcha_image", kwargs={"key": self.key})

    @property
    def audio_url(self) -> str:
        """Where the question is read aloud; empty where no speech synthesis is installed."""
        if not audio_available():
            return ""
        return reverse("portal:captcha_audio", kwargs={"key": self.key})


def audio_available() -> bool:
    return bool(settings.CAPTCHA_FLITE_PATH)


def _question() -> tuple[str, object]:
    """The text drawn and the answer expected (case does not matter)."""
    text = "".join(_random.choice(ALPHABET) for _ in range(LENGTH))
    return text, text


def new_question() -> Question:
    text, answer = _question()
    # CaptchaStore keeps the answer (lower-cased) and its expiry.
    store = CaptchaStore.objects.create(
        challenge=text, response=str(answer), expiration=timezone.now() + timedelta(minutes=CHALLENGE_MINUTES)
    )
    return Question(store.hashkey)


def picture(key: str) -> HttpResponse:
    """The PNG of question `key` (410 once it is used or gone). The same question always gets
    the same picture, so fetching it again gives nothing to average over; but unlike
    django-simple-captcha's own view, which seeds the letters' turns and the noise with the
    public key (anyone could redraw the noise and subtract it), the seed is keyed with
    SECRET_KEY."""
    store = CaptchaStore.objects.filter(hashkey=key, expiration__gt=timezone.now()).first()
    if store is None:
        return HttpResponse(status=410)
    seed = hmac.new(settings.SECRET_KEY.encode(), f"captcha-picture:{key}".encode(), hashlib.sha256).digest()
    try:
        random.seed(seed)  # the library draws with the module-level random
        return drawing._captcha_image(store, 1)  # pinned django-simple-captcha 0.7.0
    finally:
        random.seed()  # as the library does: nothing predictable is left behind


def audio(request: HttpRequest, key: str) -> HttpResponse:
    """The WAV of question `key` read aloud, letter by letter (410 once it is used or gone,
    404 without speech synthesis). django-simple-captcha's own view makes the sound; it is
    asked only for a question still open, so a used key makes nothing."""
    if not audio_available():
        return HttpResponse(status=404)
    if not CaptchaStore.objects.filter(hashkey=key, expiration__gt=timezone.now()).exists():
        return HttpResponse(status=410)
    response: HttpResponse = drawing.captcha_audio(request, key)  # pinned django-simple-captcha 0.7.0
    if response.status_code == 200:
        # played in the browser's own player rather than saved as a file
        response["Content-Disposition"] = 'inline; filename="captcha.wav"'
    return response


def check(key: str, answer: str) -> bool:
    """Whether `answer` solves question `key`; the question is used up either way."""
    key, answer = (key or "").strip()[:40], (answer or "").strip()[:10]
    if not key:
        return False
    with transaction.atomic():
        store = CaptchaStore.objects.select_for_update().filter(hashkey=key).first()
        if store is None:
            return False
        store.delete()
    if store.expiration <= timezone.now():
        return False
    test_answer = str(settings.CIVICDESK_PORTAL_CAPTCHA_TEST_ANSWER)
    if test_answer and hmac.compare_digest(answer, test_answer):
        return True
    return hmac.compare_digest(store.response, answer.lower())


def forget_old() -> int:
    deleted, _detail = CaptchaStore.objects.filter(expiration__lte=timezone.now()).delete()
    return int(deleted)
