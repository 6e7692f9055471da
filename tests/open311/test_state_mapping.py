from __future__ import annotations

import pytest
from django.test import Client

from civicdesk.orders.workflow import TERMINAL, State
from tests.open311.helpers import both, validate
from tests.world import World

PUBLISHED = [s for s in State if s != State.VOID]


@pytest.mark.parametrize("state", PUBLISHED)
def test_every_state_maps_to_open_or_closed_with_plain_notes(w: World, client: Client, state: State) -> None:
    order = w.in_state(state)
    [body] = both(client, f"/requests/{order.number}", extensions="true")
    validate(body, "request.json")
    assert body["status"] == ("closed" if state in TERMINAL else "open")
    notes = body["status_notes"]
    assert notes and any("\u4e00" <= ch <= "\u9fff" for ch in notes)
    assert notes == body["notes"][-1]["description"]
    assert body["notes"][-1]["status"] == body["status"]
