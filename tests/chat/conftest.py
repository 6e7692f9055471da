from __future__ import annotations

from collections.abc import Iterator

import pytest
import time_machine
from pytest_django.fixtures import Settings


@pytest.fixture(autouse=True)
def _known_captcha(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every question's answer is 7 in these tests (the captcha's own test checks real questions)."""
    monkeypatch.setattr("civicdesk.portal.captcha._question", lambda: ("7", "7"))


@pytest.fixture(autouse=True)
def _staffed_hours(settings: Settings) -> Iterator[None]:
    """A working Tuesday at ten in the morning: the desk is staffed (tests of the hours move the clock)."""
    settings.CIVICDESK_CHAT_HOURS = "08:00-20:00"
    with time_machine.travel("2026-12-08 10:00:00+08:00", tick=True):
        yield
