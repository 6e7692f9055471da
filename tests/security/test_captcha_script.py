"""The portal's captcha against a short script. The old captcha drew fixed stroke shapes as SVG:
the script below (about forty lines: match each polyline to the known shapes, do the sum)
answered it 1,000 times in 1,000. The captcha must give such a script nothing to read, and
the same answer must not look the same twice."""

from __future__ import annotations

import cmath
import math
import re

import pytest
from django.test import Client

from civicdesk.portal import captcha

pytestmark = pytest.mark.django_db

# The old captcha's glyphs, as the script's author copied them from the public source.
GLYPHS: dict[str, list[list[tuple[float, float]]]] = {
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


def _misfit(seen: list[list[complex]], shape: list[list[tuple[float, float]]]) -> float:
    """How far the strokes are from the shape turned (at most 25°), scaled and moved."""
    z = [p for stroke in seen for p in stroke]
    w = [complex(x, y) for stroke in shape for x, y in stroke]
    zc, wc = sum(z) / len(z), sum(w) / len(w)
    z, w = [p - zc for p in z], [p - wc for p in w]
    a = sum(q.conjugate() * p for p, q in zip(z, w, strict=True)) / sum(abs(q) ** 2 for q in w)
    if abs(cmath.phase(a)) > math.radians(25):
        return math.inf
    return sum(abs(p - a * q) ** 2 for p, q in zip(z, w, strict=True)) / sum(abs(p) ** 2 for p in z)


def read_svg(html: str) -> str | None:
    """The script: the answer read off the page's SVG strokes, or None when there are none."""
    strokes = [
        [complex(*map(float, xy.split(","))) for xy in points.split()]
        for points in re.findall(r'<polyline points="([^"]+)"', html)
    ]
    text, i = "", 0
    while i < len(strokes):
        fits = [
            (_misfit(strokes[i : i + len(shape)], shape), char, len(shape))
            for char, shape in GLYPHS.items()
            if [len(s) for s in strokes[i : i + len(shape)]] == [len(s) for s in shape]
        ]
        if not fits:
            return None
        # A lone bar fits any two-point stroke: among shapes that fit well, take the one using most strokes.
        _good, _more, _fit, char, used = min((fit > 0.05, -n, fit, c, n) for fit, c, n in fits)
        text, i = text + char, i + used
    match = re.fullmatch(r"(\d+)([+\-×])(\d+)=\?", text)
    if not match:
        return None
    a, op, b = int(match.group(1)), match.group(2), int(match.group(3))
    return str({"+": a + b, "-": a - b, "×": a * b}[op])


def test_a_script_reading_the_page_solves_no_question() -> None:
    solved = 0
    for _ in range(40):
        html = Client(REMOTE_ADDR="192.0.2.40").get("/portal/submit").content.decode()
        key = re.search(r'name="captcha_key" value="([^"]*)"', html)
        assert key and key.group(1), "the page shows no captcha"
        answer = read_svg(html)
        if answer is not None and captcha.check(key.group(1), answer):
            solved += 1
    assert solved == 0


def test_the_same_answer_never_looks_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(captcha, "_question", lambda: ("KMN47", "KMN47"))
    client = Client()
    questions = [captcha.new_question() for _ in range(3)]
    pictures = [client.get(q.image_url) for q in questions]
    assert all(p.status_code == 200 and p["Content-Type"] == "image/png" for p in pictures)
    assert len({p.content for p in pictures}) == 3
    # One question is one picture: fetching it again gives nothing new to average over.
    assert client.get(questions[0].image_url).content == pictures[0].content


def test_the_picture_cannot_be_redrawn_from_its_public_key(monkeypatch: pytest.MonkeyPatch) -> None:
    # django-simple-captcha's own view seeds the turns and the noise with the key in the URL,
    # so a script could redraw the noise exactly and subtract it; the portal's picture is not that one.
    import random

    from captcha import views as drawing
    from captcha.models import CaptchaStore

    monkeypatch.setattr(captcha, "_question", lambda: ("KMN47", "KMN47"))
    question = captcha.new_question()
    served = Client().get(question.image_url).content
    random.seed(question.key)
    redrawn = drawing._captcha_image(CaptchaStore.objects.get(hashkey=question.key), 1).content
    random.seed()
    assert served != redrawn
