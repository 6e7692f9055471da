from __future__ import annotations

import pytest
from pytest_django.fixtures import Settings


@pytest.fixture(autouse=True)
def _known_captcha(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every question's answer is 7 in these tests (the captcha's own test checks real questions)."""
    monkeypatch.setattr("civicdesk.portal.captcha._question", lambda: ("7", "7"))


@pytest.fixture(autouse=True)
def _public_url(settings: Settings) -> None:
    settings.CIVICDESK_PUBLIC_URL = "https://12345.qinglan.example"
