"""A home panel counts its queue up to the cap and then says "1,000+" (the cap shrunk here to
three): a unit's inbox or the callback desk's queue grows with the center, and the home page is
opened all day; the exact size is on the queue's own page."""

from __future__ import annotations

import re

import pytest

from civicdesk.console import views
from tests.console.helpers import client_for, text
from tests.world import World


def _callback_panel_count(w: World) -> str:
    page = text(client_for(w.callback_agent).get("/"))
    header = page[page.index("待回访") :]
    found = re.search(r"data-queue-count>([^<]*)<", header)
    assert found is not None
    return found.group(1)


def test_a_queue_within_the_cap_shows_its_size(w: World, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(views, "COUNT_CAP", 3)
    for _ in range(3):
        w.awaiting_callback()
    assert _callback_panel_count(w) == "3"


def test_a_queue_past_the_cap_says_so(w: World, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(views, "COUNT_CAP", 3)
    for _ in range(4):
        w.awaiting_callback()
    assert _callback_panel_count(w) == "3+"
