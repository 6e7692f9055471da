"""The callback queue's heading counts the orders waiting up to the shared cap and says "1,000+"
past it, as the agent's home panel does: a large center's queue holds tens of thousands, and
counting them all on every visit read each of them (issue #20). The list itself still starts
with the first by due time."""

from __future__ import annotations

import re

import pytest

from civicdesk.lib import paging
from tests.console_units.helpers import client_for, order_numbers, text
from tests.world import World

pytestmark = pytest.mark.django_db


def _heading_count(html: str) -> str:
    found = re.search(r'<h1 class="h4">[^<]*<span class="badge bg-secondary">([^<]*)</span></h1>', html)
    assert found, html[:500]
    return found.group(1)


def test_the_heading_says_cap_plus_past_the_cap(w: World, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(paging, "COUNT_CAP", 2)
    first, second = w.awaiting_callback(), w.awaiting_callback()
    html = text(client_for(w.callback_agent).get("/orders/callbacks/"))
    assert _heading_count(html) == "2"
    third = w.awaiting_callback()
    html = text(client_for(w.callback_agent).get("/orders/callbacks/"))
    assert _heading_count(html) == "2+"
    # The pages stop at the cap: the agent works from the first by due time.
    assert set(order_numbers(html)) <= {first.number, second.number, third.number}
    assert len(order_numbers(html)) == 2
