from __future__ import annotations

import pytest

from tests.console_units.helpers import client_for
from tests.world import World


@pytest.mark.parametrize("persona", ["operator", "dispatcher", "callback_agent", "admin", "leader", "outsider"])
def test_it_refuses_the_inbox_to_people_without_a_unit_role(w: World, persona: str) -> None:
    order = w.dispatched()
    client = client_for(getattr(w, persona))
    assert client.get("/orders/inbox/").status_code == 403
    assert client.get(f"/orders/inbox/{order.number}/reply/").status_code == 403
    assert client.post(f"/orders/inbox/{order.number}/do/sign/", {"version": order.version}).status_code == 403


@pytest.mark.parametrize("persona", ["handler_a", "callback_agent", "dispatcher", "outsider"])
def test_it_refuses_the_callback_queue_to_everyone_but_callback_agents(w: World, persona: str) -> None:
    order = w.awaiting_callback()
    client = client_for(getattr(w, persona))
    assert client.get("/orders/callbacks/").status_code == (200 if persona == "callback_agent" else 403)
    if persona != "callback_agent":
        assert client.get(f"/orders/callbacks/{order.number}/").status_code == 403
