"""Staff search by words finds what a reader expects in the title, the content or the
address — a word inside a longer one, two-character words, Latin letters in any case and
digits — newest first, only among the orders the user may open, and never by the name of a
caller the user may not know."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from civicdesk.orders.models import WorkOrder
from tests.console.helpers import client_for, order_numbers, text
from tests.world import World

pytestmark = pytest.mark.django_db


def search(user: object, query: str) -> list[str]:
    response = client_for(user).get("/orders/search/", {"q": query})  # type: ignore[arg-type]
    assert response.status_code == 200
    return order_numbers(text(response))


def test_a_word_inside_a_longer_title_is_found(w: World) -> None:
    order = w.new_order(title="金桥小区停水停电三天", content="家中无水无电。")
    w.new_order(title="路灯不亮", content="夜间路灯全部熄灭。")
    assert search(w.dispatcher, "停水") == [order.number]
    assert search(w.dispatcher, "小区停水停电") == [order.number]
    # The characters of the word in another order are not the word.
    assert search(w.dispatcher, "水电") == []


def test_content_and_address_are_searched_too(w: World) -> None:
    in_content = w.new_order(title="反映问题", content="楼道内长期堆放杂物，存在消防隐患。")
    in_address = w.new_order(title="反映问题", content="见标题。", address="幸福路18号翠苑小区")
    assert search(w.dispatcher, "消防隐患") == [in_content.number]
    assert search(w.dispatcher, "翠苑") == [in_address.number]


def test_latin_letters_in_any_case_and_digits(w: World) -> None:
    g20 = w.new_order(title="G20峰会期间道路管制", content="询问管制时间。")
    hotline = w.new_order(title="咨询", content="拨打12345热线无人接听。")
    assert search(w.dispatcher, "G20") == [g20.number]
    assert search(w.dispatcher, "g20") == [g20.number]
    assert search(w.dispatcher, "12345") == [hotline.number]
    assert search(w.dispatcher, "2345") == [hotline.number]


def test_every_word_must_be_found_and_one_character_words_work(w: World) -> None:
    both = w.new_order(title="小区停水", content="水压不足。", address="人民路")
    w.new_order(title="小区停电", content="电压不稳。", address="人民路")
    assert search(w.dispatcher, "人民路 停水") == [both.number]
    assert search(w.dispatcher, "水") == [both.number]


def test_the_newest_come_first(w: World) -> None:
    older = w.new_order(title="噪音扰民一")
    newer = w.new_order(title="噪音扰民二")
    WorkOrder.objects.filter(pk=older.pk).update(created_at=timezone.now() - timedelta(days=3))
    assert search(w.dispatcher, "噪音扰民") == [newer.number, older.number]


def test_only_orders_the_user_may_open(w: World) -> None:
    ours = w.dispatched(title="井盖缺失")
    w.new_order(title="井盖松动")
    assert search(w.handler_a, "井盖") == [ours.number]
    assert search(w.handler_c, "井盖") == []
    assert len(search(w.dispatcher, "井盖")) == 2


def test_not_by_the_name_of_a_caller_the_user_may_not_know(w: World) -> None:
    order = w.dispatched(confidential=True, citizen_name="赵秀英", title="赵秀英反映楼道漏水", content="漏水严重。")
    # The unit sees the order with the caller's name masked, and cannot find it by that name.
    assert search(w.handler_a, "赵秀英") == []
    assert search(w.handler_a, "漏水") == [order.number]
    # The hub may know the caller.
    assert search(w.dispatcher, "赵秀英") == [order.number]
