from __future__ import annotations

import pytest
from pytest_django.fixtures import Settings


@pytest.fixture(autouse=True)
def _known_captcha(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every question is 3+4 in these tests (the captcha's own test checks real questions)."""
    monkeypatch.setattr("civicdesk.portal.captcha._question", lambda: ("3+4", 7))


@pytest.fixture(autouse=True)
def _public_url(settings: Settings) -> None:
    settings.CIVICDESK_PUBLIC_URL = "https://12345.qinglan.example"
