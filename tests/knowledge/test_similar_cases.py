from __future__ import annotations

import pytest

from civicdesk.knowledge.similar import similar_cases

pytestmark = pytest.mark.django_db

ROAD = {"title": "人民路路面坑洼积水", "content": "人民路中段路面坑洼，下雨积水严重，车辆通行困难。"}


def test_a_handler_sees_how_the_same_matter_was_handled(w, client):
    past = w.closed(**ROAD)
    w.closed(title="小区夜间施工噪声扰民", content="工地夜里施工噪声很大。", category=w.cat_noise)
    current = w.signed(title="人民路路面又出现坑洼", content="人民路路面坑洼积水，希望修复。")
    cases = similar_cases(w.handler_a, current)
    assert cases[0].order == past
    client.force_login(w.handler_a)
    html = client.get(f"/knowledge/order/{current.number}/panel/").content.decode()
    assert past.number in html and "已安排养护队" in html  # the reply it received


def test_a_unit_sees_only_cases_it_may_open(w):
    past = w.closed(**ROAD)  # handled by dept_a
    current = w.dispatched(title="人民路路面坑洼", content="人民路路面坑洼积水。")
    assert [c.order for c in similar_cases(w.dispatcher, current)] == [past]
    assert similar_cases(w.handler_b, current) == []


def test_confidential_callers_cases_are_never_shown(w):
    w.closed(confidential=True, **ROAD)
    current = w.signed(title="人民路路面坑洼", content="人民路路面坑洼积水。")
    assert similar_cases(w.dispatcher, current) == []


def test_the_panel_of_an_order_one_may_not_open_is_not_found(w, client):
    order = w.signed(**ROAD)
    client.force_login(w.handler_b)
    assert client.get(f"/knowledge/order/{order.number}/panel/").status_code == 404


def test_the_order_page_loads_the_panel(w, client):
    order = w.signed(**ROAD)
    client.force_login(w.handler_a)
    page = client.get(f"/orders/{order.number}/").content.decode()
    assert f"/knowledge/order/{order.number}/panel/" in page
