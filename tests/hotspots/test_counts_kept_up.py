"""A new member adds to its hotspot's figures without a recount of the other members, and the
figures are the ones a recount from scratch (refresh) gives: orders, callers (a caller who
called before counts once), urgent ones, +1s, first and last, growth over the two weeks
before now, heat, title and place. The parsed profiles a process keeps for the comparisons
are never used once the hotspot changed."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from civicdesk.hotspots import grouping
from civicdesk.hotspots.models import Hotspot
from civicdesk.orders.models import Urgency, WorkOrder
from tests.world import World

pytestmark = pytest.mark.django_db

FIGURES = (
    "order_count",
    "caller_count",
    "urgent_count",
    "supports",
    "growth",
    "first_at",
    "last_at",
    "heat",
    "title",
    "place",
)

# (days before now, phone, urgent, +1s): one matter at one place, in and around both growth
# windows (the last 7 days, the 7 before), out of time order, with repeated callers.
CALLS = [
    (20, "13800003001", False, 0),
    (13, "13800003002", True, 2),
    (13.5, "13800003001", False, 0),
    (7, "13800003003", False, 1),
    (8, "13800003003", True, 0),
    (6.9, "", False, 0),
    (3, "13800003002", False, 5),
    (0.5, "13800003004", True, 0),
    (14, "13800003005", False, 0),
    (0, "", False, 3),
    (1, "13800003001", False, 0),
]
TITLES = [
    "幸福里小区楼下烧烤店油烟扰民",
    "投诉幸福里小区临街饭店排烟",
    "幸福里小区底商烧烤噪音油烟到半夜",
    "幸福里小区餐馆油烟污染",
    "幸福里小区夜宵店油烟直排扰民",
]


def _order(w: World, n: int, at: datetime, phone: str, urgent: bool, supports: int) -> WorkOrder:
    title = TITLES[n % len(TITLES)]
    order = w.new_order(title=title, content=title + "，请尽快处理。", citizen_phone=phone)
    urgency = Urgency.URGENT if urgent else Urgency.NORMAL
    WorkOrder.objects.filter(pk=order.pk).update(created_at=at, urgency=urgency, support_count=supports)
    order.refresh_from_db()
    return order


def test_each_addition_gives_the_figures_of_a_recount(w: World) -> None:
    now = timezone.now()
    for n, (days, phone, urgent, supports) in enumerate(CALLS):
        order = _order(w, n, now - timedelta(days=days), phone, urgent, supports)
        added = grouping.add_order(order, now=now)
        assert added is not None
        kept = Hotspot.objects.get(pk=added.pk)
        recounted = Hotspot.objects.get(pk=added.pk)
        grouping.refresh(recounted, now=now)
        assert {f: getattr(kept, f) for f in FIGURES} == {f: getattr(recounted, f) for f in FIGURES}, n
    hotspot = Hotspot.objects.get()
    assert (hotspot.order_count, hotspot.caller_count, hotspot.urgent_count, hotspot.supports) == (11, 7, 3, 11)


def test_the_growth_is_counted_at_the_time_of_the_addition(w: World) -> None:
    now = timezone.now()
    for n, days in enumerate((9, 10, 2)):
        moment = now + timedelta(days=n * 3)  # the clock moves on between the orders
        added = grouping.add_order(_order(w, n, now - timedelta(days=days), f"1380000400{n}", False, 0), now=moment)
        assert added is not None
        recounted = Hotspot.objects.get(pk=added.pk)
        grouping.refresh(recounted, now=moment)
        assert Hotspot.objects.get(pk=added.pk).growth == recounted.growth


def test_a_kept_profile_is_not_used_once_the_hotspot_changed(w: World) -> None:
    grouping._parsed.clear()
    now = timezone.now()
    first = grouping.add_order(_order(w, 0, now - timedelta(hours=3), "13800005001", False, 0), now=now)
    assert first is not None
    # The next order compares with the hotspot: its profile is parsed and kept.
    second = grouping.add_order(_order(w, 1, now - timedelta(hours=2), "13800005002", False, 0), now=now)
    assert second is not None and second.pk == first.pk
    # The same clock (passed in): updated_at does not change, the profile does.
    assert Hotspot.objects.get(pk=first.pk).updated_at == now
    third = grouping.add_order(_order(w, 2, now - timedelta(hours=1), "13800005003", False, 0), now=now)
    assert third is not None and third.pk == first.pk
    kept = dict(grouping._profiles([first.pk]))[first.pk]
    assert kept.size == 3
    assert kept.to_json() == Hotspot.objects.get(pk=first.pk).profile

    # Changed elsewhere (another worker, a rolled-back addition): the kept parse is not used.
    Hotspot.objects.filter(pk=first.pk).update(profile={"size": 1, "places": {"别处": 1}}, profile_rev=12345)
    reread = dict(grouping._profiles([first.pk]))[first.pk]
    assert reread is not kept
    assert (reread.size, reread.places) == (1, {"别处": 1})


def test_the_kept_profiles_are_bounded(w: World, monkeypatch: pytest.MonkeyPatch) -> None:
    grouping._parsed.clear()
    monkeypatch.setattr(grouping, "PARSED_MAX", 2)
    now = timezone.now()
    places = ["幸福里小区", "渔港小区", "海景花园"]
    made = []
    for n, place in enumerate(places):
        order = w.new_order(title=f"{place}电梯经常故障困人", citizen_phone=f"1380000600{n}")
        hotspot = grouping.add_order(order, now=now)
        assert hotspot is not None
        made.append(hotspot.pk)
    assert len(set(made)) == 3
    in_database_order = list(Hotspot.objects.filter(pk__in=made).values_list("pk", flat=True))
    assert [pk for pk, _profile in grouping._profiles(made)] == in_database_order
    assert len(grouping._parsed) == 2
