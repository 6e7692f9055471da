"""The merge page's suggestions (并单) read the same matter-and-place similarity as the
hotspots, and name the orders of the same hotspot."""

from __future__ import annotations

import pytest

from civicdesk.orders.merging import merge_candidates
from tests.hotspots.helpers import call_in
from tests.world import World

pytestmark = pytest.mark.django_db


def test_the_same_matter_at_the_same_place_is_suggested_first(w: World, django_capture_on_commit_callbacks) -> None:
    orders = call_in(w, django_capture_on_commit_callbacks, 3)
    elsewhere = w.new_order(title="渔港小区楼下烧烤店油烟扰民", citizen_phone="13900003001")
    unrelated = w.new_order(title="北山社区路灯不亮", citizen_phone="13900003002")
    found = merge_candidates(w.dispatcher, orders[-1])
    by_order = {c.order.pk: c for c in found}
    for earlier in orders[:-1]:
        reasons = " ".join(by_order[earlier.pk].reasons)
        assert "同一地点同一事项" in reasons and "同一热点" in reasons
    ranked = [c.order.pk for c in found]
    assert set(ranked[:2]) == {o.pk for o in orders[:-1]}
    for other in (elsewhere, unrelated):
        if other.pk in by_order:
            assert not any("同一地点同一事项" in r or "同一热点" in r for r in by_order[other.pk].reasons)
