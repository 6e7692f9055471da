"""The dispatch board's filters narrow the pending list; a category or area matches
itself and everything below it."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import time_machine

from civicdesk.catalogue.models import Category, RequestType, Urgency
from civicdesk.orders import actions
from tests.console_hub.helpers import board_numbers, client_for, text
from tests.world import World

SH = ZoneInfo("Asia/Shanghai")
MORNING = datetime(2025, 11, 3, 9, 0, tzinfo=SH)


def board(w: World, **filters: object) -> list[str]:
    response = client_for(w.dispatcher).get("/orders/dispatch/", filters)
    assert response.status_code == 200
    return board_numbers(text(response))


def test_it_narrows_the_board_by_channel_type_and_urgency(w: World) -> None:
    phone = w.pending(channel="phone", request_type=RequestType.COMPLAINT)
    web = w.pending(channel="web", request_type=RequestType.ENQUIRY, urgency=Urgency.URGENT)
    wechat = w.pending(channel="wechat", request_type=RequestType.HELP, urgency=Urgency.EMERGENCY)

    assert set(board(w)) == {phone.number, web.number, wechat.number}
    assert board(w, channel="web") == [web.number]
    assert board(w, request_type="help") == [wechat.number]
    assert board(w, urgency="urgent") == [web.number]
    assert board(w, channel="phone", urgency="urgent") == []


def test_it_puts_emergencies_first_then_the_longest_waiting(w: World) -> None:
    with time_machine.travel(MORNING, tick=False):
        old = w.pending(title="最早的一般件")
    with time_machine.travel(MORNING + timedelta(hours=1), tick=False):
        urgent = w.pending(urgency=Urgency.URGENT)
        emergency = w.pending(urgency=Urgency.EMERGENCY)
        assert board(w) == [emergency.number, urgent.number, old.number]


def test_it_filters_by_category_at_any_level(w: World) -> None:
    pothole = w.pending(category=w.cat_potholes)
    road = w.pending(category=w.cat_roads)
    noise = w.pending(category=w.cat_noise)
    top = Category.objects.get(code="c-cj")

    assert board(w, category=w.cat_potholes.pk) == [pothole.number]
    assert set(board(w, category=w.cat_roads.pk)) == {pothole.number, road.number}
    assert set(board(w, category=top.pk)) == {pothole.number, road.number}
    assert board(w, category=w.cat_noise.pk) == [noise.number]


def test_it_filters_by_area_including_the_areas_below(w: World) -> None:
    town = w.pending(area=w.area_town)
    village = w.pending(area=w.area_village)

    assert set(board(w, area=w.area_town.pk)) == {town.number, village.number}
    assert board(w, area=w.area_village.pk) == [village.number]


def test_it_filters_by_special_topic(w: World) -> None:
    epidemic = w.pending(topics=[w.topic_epidemic], title="居家隔离购药困难")
    w.pending()

    assert board(w, topic=w.topic_epidemic.pk) == [epidemic.number]


def test_it_filters_by_how_long_orders_have_waited(w: World) -> None:
    with time_machine.travel(MORNING, tick=False):
        day_old = w.pending()
    with time_machine.travel(MORNING + timedelta(hours=21), tick=False):
        three_hours = w.pending()
    with time_machine.travel(MORNING + timedelta(hours=23, minutes=30), tick=False):
        fresh = w.pending()
    with time_machine.travel(MORNING + timedelta(hours=24, minutes=30), tick=False):
        assert set(board(w)) == {day_old.number, three_hours.number, fresh.number}
        assert set(board(w, age="2h")) == {day_old.number, three_hours.number}
        assert board(w, age="1d") == [day_old.number]
        assert board(w, age="3d") == []


def test_it_keeps_orders_still_being_taken_off_the_board(w: World) -> None:
    # An order just received may still be answered on the call; the board waits 30 minutes.
    with time_machine.travel(MORNING, tick=False):
        taking = w.new_order()
        assert taking.number not in board(w)
    with time_machine.travel(MORNING + timedelta(minutes=45), tick=False):
        assert board(w) == [taking.number]


def test_it_ignores_a_filter_value_it_cannot_read(w: World) -> None:
    order = w.pending()
    assert board(w, category="roads", age="forever", channel="pigeon") == [order.number]


def test_it_shows_the_filters_chosen_and_only_the_hubs_pending_orders(w: World) -> None:
    pending = w.pending(channel="web")
    dispatched = w.dispatched(channel="web")
    answered = actions.answer_immediately(w.new_order(channel="web"), actor=w.operator, answer="已告知。")

    html = text(client_for(w.dispatcher).get("/orders/dispatch/", {"channel": "web"}))

    assert board_numbers(html) == [pending.number]
    assert dispatched.number not in board_numbers(html) and answered.number not in board_numbers(html)
    assert '<option value="web" selected>' in html
    assert "清除筛选" in html
