"""A new order joins its hotspot once the worker has taken it in (the reaction to its creation,
queued with it), and a voided one leaves it; the hotspot's figures and title follow."""

from __future__ import annotations

import pytest

from civicdesk.hotspots.grouping import shown
from civicdesk.hotspots.models import Event, Hotspot, Member
from civicdesk.orders import actions
from tests.hotspots.helpers import call_in
from tests.worker import run_queued
from tests.world import World

pytestmark = pytest.mark.django_db


def test_orders_about_one_matter_at_one_place_form_a_hotspot(w: World, django_capture_on_commit_callbacks) -> None:
    orders = call_in(w, django_capture_on_commit_callbacks, 4)
    hotspot = Hotspot.objects.get()
    assert set(Member.objects.filter(hotspot=hotspot).values_list("order_id", flat=True)) == {o.pk for o in orders}
    assert (hotspot.order_count, hotspot.caller_count) == (4, 4)
    assert hotspot.place == "幸福里小区"
    assert "油烟" in hotspot.title and "幸福里小区" in hotspot.title
    assert hotspot.area == w.area_town
    assert hotspot.first_at == orders[0].created_at and hotspot.last_at == orders[-1].created_at
    assert hotspot.heat > 4
    assert Event.objects.filter(hotspot=hotspot, action="found").count() == 1


def test_a_hotspot_is_shown_from_three_orders_by_two_callers(w: World, django_capture_on_commit_callbacks) -> None:
    call_in(w, django_capture_on_commit_callbacks, 2)
    assert not Hotspot.objects.filter(shown()).exists()
    with django_capture_on_commit_callbacks(execute=True):
        w.new_order(title="幸福里小区烧烤油烟还是没人管", citizen_phone="13800001001")
    run_queued()
    assert Hotspot.objects.filter(shown()).count() == 1
    assert Hotspot.objects.get().caller_count == 2


def test_another_matter_or_place_stays_apart(w: World, django_capture_on_commit_callbacks) -> None:
    call_in(w, django_capture_on_commit_callbacks, 3)
    with django_capture_on_commit_callbacks(execute=True):
        other_place = w.new_order(title="渔港小区楼下烧烤店油烟扰民", citizen_phone="13900002001")
        other_matter = w.new_order(title="幸福里小区电梯经常故障困人", citizen_phone="13900002002")
    run_queued()
    big = Hotspot.objects.get(order_count=3)
    assert not Member.objects.filter(hotspot=big, order__in=[other_place, other_matter]).exists()


def test_a_voided_order_leaves_its_hotspot(w: World, django_capture_on_commit_callbacks) -> None:
    orders = call_in(w, django_capture_on_commit_callbacks, 3)
    with django_capture_on_commit_callbacks(execute=True):
        actions.void(orders[1], actor=w.dispatcher, reason="测试电话")
    run_queued()
    hotspot = Hotspot.objects.get()
    assert hotspot.order_count == 2
    assert not Member.objects.filter(order=orders[1]).exists()
