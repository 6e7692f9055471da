"""A small arithmetic captcha made on the server, with no outside service and no font files.

The question ("7 + 5 = ?") is drawn as an SVG of hand-made strokes, each glyph shifted,
turned and scaled at random, under noise curves; the SVG contains no text a script could
read off. The answer is kept only as an HMAC in a Challenge row (shared by every app
machine) and is good for one try within CHALLENGE_MINUTES.

For browser tests only, CIVICDESK_PORTAL_CAPTCHA_TEST_ANSWER (environment, empty by default)
names an answer that is accepted as well; production leaves it empty.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext as _

from civicdesk.portal.models import Challenge

CHALLENGE_MINUTES = 15
WIDTH, HEIGHT = 220, 64
_random = secrets.SystemRandom()

# Glyphs as polylines on a 10 × 16 grid (x right, y down).
_GLYPHS: dict[str, list[list[tuple[float, float]]]] = {
    "0": [[(2, 1), (8, 1), (9, 4), (9, 12), (8, 15), (2, 15), (1, 12), (1, 4), (2, 1)]],
    "1": [[(3, 4), (6, 1), (6, 15)], [(3, 15), (9, 15)]],
    "2": [[(1, 4), (3, 1), (7, 1), (9, 4), (8, 7), (1, 15), (9, 15)]],
    "3": [[(1, 2), (8, 1), (9, 4), (5, 8), (9, 11), (8, 15), (1, 14)], [(5, 8), (3, 8)]],
    "4": [[(7, 15), (7, 1), (1, 10), (9, 10)]],
    "5": [[(9, 1), (2, 1), (1, 7), (7, 7), (9, 10), (8, 14), (1, 15)]],
    "6": [[(8, 1), (3, 3), (1, 9), (2, 14), (7, 15), (9, 11), (7, 8), (2, 9)]],
    "7": [[(1, 1), (9, 1), (4, 15)], [(3, 8), (8, 8)]],
    "8": [[(5, 8), (1, 4), (3, 1), (7, 1), (9, 4), (5, 8), (1, 12), (3, 15), (7, 15), (9, 12), (5, 8)]],
    "9": [[(8, 7), (3, 8), (1, 4), (4, 1), (8, 2), (9, 7), (7, 13), (2, 15)]],
    "+": [[(5, 4), (5, 12)], [(1, 8), (9, 8)]],
    "-": [[(1, 8), (9, 8)]],
    "×": [[(2, 4), (8, 12)], [(8, 4), (2, 12)]],
    "=": [[(1, 6), (9, 6)], [(1, 10), (9, 10)]],
    "?": [[(2, 4), (4, 1), (7, 1), (9, 4), (5, 8), (5, 11)], [(5, 14), (5, 15)]],
}


@dataclass(frozen=True)
class Question:
    key: str
    svg: str


def _question() -> tuple[str, int]:
    kind = _random.choice("+-×")
    if kind == "+":
        a, b = _random.randint(1, 20), _random.randint(1, 9)
        return f"{a}+{b}", a + b
    if kind == "-":
        a = _random.randint(5, 20)
        b = _random.randint(1, a - 1)
        return f"{a}-{b}", a - b
    a, b = _random.randint(2, 9), _random.randint(2, 5)
    return f"{a}×{b}", a * b


def _hash(key: str, answer: str) -> str:
    message = f"portal-captcha:{key}:{answer.strip()}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def _glyph_paths(text: str) -> list[str]:
    paths: list[str] = []
    x = 12.0
    for char in text:
        scale = _random.uniform(1.9, 2.3)
        angle = math.radians(_random.uniform(-18, 18))
        top = _random.uniform(6, 20)
        cos, sin = math.cos(angle), math.sin(angle)
        for line in _GLYPHS[char]:
            points = []
            for gx, gy in line:
                dx, dy = (gx - 5) * scale, (gy - 8) * scale
                px = x + 5 * scale + dx * cos - dy * sin + _random.uniform(-0.8, 0.8)
                py = top + 8 * scale + dx * sin + dy * cos + _random.uniform(-0.8, 0.8)
                points.append(f"{px:.1f},{py:.1f}")
            colour = f"hsl({_random.randint(190, 250)},60%,{_random.randint(22, 38)}%)"
            width = _random.uniform(2.2, 3.2)
            paths.append(
                f'<polyline points="{" ".join(points)}" fill="none" stroke="{colour}" '
                f'stroke-width="{width:.1f}" stroke-linecap="round" stroke-linejoin="round"/>'
            )
        x += 10 * scale + _random.uniform(2, 5)
    return paths


def _noise() -> list[str]:
    shapes = []
    for _i in range(5):
        y1, y2 = _random.uniform(5, HEIGHT - 5), _random.uniform(5, HEIGHT - 5)
        c1 = (_random.uniform(30, 90), _random.uniform(0, HEIGHT))
        c2 = (_random.uniform(120, 190), _random.uniform(0, HEIGHT))
        shapes.append(
            f'<path d="M0,{y1:.1f} C{c1[0]:.1f},{c1[1]:.1f} {c2[0]:.1f},{c2[1]:.1f} {WIDTH},{y2:.1f}" '
            f'fill="none" stroke="hsl({_random.randint(0, 360)},40%,60%)" stroke-width="{_random.uniform(1, 2):.1f}"/>'
        )
    for _i in range(30):
        shapes.append(
            f'<circle cx="{_random.uniform(0, WIDTH):.1f}" cy="{_random.uniform(0, HEIGHT):.1f}" '
            f'r="{_random.uniform(0.6, 1.6):.1f}" fill="hsl({_random.randint(0, 360)},40%,55%)"/>'
        )
    return shapes


def render_svg(text: str) -> str:
    # Noise both under and over the strokes, so that removing "the top layer" removes nothing useful.
    noise = _noise()
    body = noise[:20] + _glyph_paths(text) + noise[20:]
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'role="img" aria-label="{escape(_("验证题图片"))}">'
        f'<rect width="100%" height="100%" fill="#f4f6fb"/>{"".join(body)}</svg>'
    )


def new_question() -> Question:
    question, answer = _question()
    key = secrets.token_urlsafe(18)
    now = timezone.now()
    Challenge.objects.create(
        key=key, answer_hash=_hash(key, str(answer)), created_at=now,
        expires_at=now + timedelta(minutes=CHALLENGE_MINUTES),
    )
    return Question(key, render_svg(f"{question}=?"))


def check(key: str, answer: str) -> bool:
    """Whether `answer` solves challenge `key`; the challenge is used up either way."""
    key, answer = (key or "").strip()[:32], (answer or "").strip()[:10]
    if not key:
        return False
    with transaction.atomic():
        challenge = Challenge.objects.select_for_update().filter(key=key).first()
        if challenge is None or challenge.used or challenge.expires_at <= timezone.now():
            return False
        challenge.used = True
        challenge.save(update_fields=["used"])
    test_answer = str(settings.CIVICDESK_PORTAL_CAPTCHA_TEST_ANSWER)
    if test_answer and hmac.compare_digest(answer, test_answer):
        return True
    return hmac.compare_digest(challenge.answer_hash, _hash(key, answer))


def forget_old() -> int:
    deleted, _detail = Challenge.objects.filter(expires_at__lt=timezone.now() - timedelta(hours=1)).delete()
    return int(deleted)
