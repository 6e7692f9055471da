"""A citizen's +1 (附议) on an order of a hotspot raises the hotspot's 附议数 and heat at the
worker's next round, without waiting for another order to join; a round with nothing new
recounts nothing."""

from __future__ import annotations

import pytest

from civicdesk.hotspots.grouping import run_support_refresh
from civicdesk.hotspots.models import Hotspot
from civicdesk.orders import actions
from civicdesk.runtime.sweeps import SWEEPS
from tests.hotspots.helpers import call_in
from tests.world import World

pytestmark = pytest.mark.django_db


def test_a_plus_one_raises_the_heat_at_the_next_round(w: World, django_capture_on_commit_callbacks) -> None:
    orders = call_in(w, django_capture_on_commit_callbacks, 3)
    before = Hotspot.objects.get()
    assert before.supports == 0

    actions.add_support(orders[0], phone="13911112222")
    actions.add_support(orders[1], phone="13911113333")
    assert run_support_refresh() == 1

    after = Hotspot.objects.get()
    assert after.supports == 2
    assert after.heat > before.heat
    assert run_support_refresh() == 0  # nothing new: nothing recounted


def test_the_worker_runs_it_every_round() -> None:
    assert SWEEPS["hotspot_supports"] is run_support_refresh
