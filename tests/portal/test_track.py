"""Tracking by order number and the phone's last four digits: progress in plain words, the
public part of the history only, and one answer for every failed check."""

from __future__ import annotations

import re

from django.test import Client
from pytest_django.fixtures import Settings

from civicdesk.orders import actions
from tests.portal.helpers import text, track
from tests.world import World


def test_the_right_digits_open_the_progress_page(w: World) -> None:
    order = w.signed(citizen_phone="13800005678")
    client = Client()
    response = track(client, order.number, "5678")
    assert response.status_code == 302
    assert response["Location"] == f"/portal/track/{order.number}"
    html = text(client.get(response["Location"]))
    assert "承办单位正在办理" in html
    assert "已派至市住房和城乡建设局办理" in html
    assert "承办单位已签收，正在办理" in html


def test_no_staff_names_and_no_internal_deliberation(w: World) -> None:
    order = w.signed()
    order = actions.request_extension(order, actor=w.handler_a, days=3, reason="需协调施工单位，内部讨论")
    client = Client()
    checked = track(client, order.number, "1234")
    assert checked.status_code == 302, "the check must pass, or the page below is the check form"
    page = client.get(f"/portal/track/{order.number}")
    assert page.status_code == 200
    html = text(page)
    # The progress page itself, with the public part of the history.
    assert "承办单位已签收，正在办理" in html
    for name in ("话务员小李", "派单员老张", "住建承办人", "需协调施工单位"):
        assert name not in html


def test_no_such_order_and_wrong_digits_get_the_same_answer(w: World) -> None:
    order = w.signed()
    wrong_digits = track(Client(), order.number, "0000")
    no_order = track(Client(), "2099010100001", "0000")
    assert wrong_digits.status_code == no_order.status_code == 404
    message = "没有查到：请核对工单号和手机号后四位"
    assert message in text(wrong_digits) and message in text(no_order)

    def shape(html: str) -> str:
        html = html.replace(order.number, "N").replace("2099010100001", "N")
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)

    assert shape(text(wrong_digits)) == shape(text(no_order))


def test_the_page_needs_the_check_first(w: World) -> None:
    order = w.signed()
    response = Client().get(f"/portal/track/{order.number}")
    assert response.status_code == 302
    assert response["Location"] == f"/portal/track?number={order.number}"


def test_another_citizens_order_stays_closed_after_checking_ones_own(w: World) -> None:
    mine = w.signed(citizen_phone="13800001111")
    theirs = w.signed(citizen_phone="13800002222")
    client = Client()
    track(client, mine.number, "1111")
    response = client.get(f"/portal/track/{theirs.number}")
    assert response.status_code == 302


def test_guessing_digits_for_one_number_is_stopped_from_any_address(w: World, settings: Settings) -> None:
    settings.CIVICDESK_PORTAL_TRACK_FAILURES_PER_NUMBER = 3
    order = w.signed()
    for i in range(3):
        assert track(Client(REMOTE_ADDR=f"10.0.1.{i}"), order.number, f"000{i}").status_code == 404
    refused = track(Client(REMOTE_ADDR="10.0.2.1"), order.number, "1234")
    assert refused.status_code == 429
    assert "查询失败次数过多" in text(refused)


def test_the_reply_shows_once_the_hub_accepted_it(w: World) -> None:
    order = w.replied()
    client = Client()
    track(client, order.number, "1234")
    assert "已安排养护队" not in text(client.get(f"/portal/track/{order.number}"))
    actions.accept_reply(order, actor=w.dispatcher)
    html = text(client.get(f"/portal/track/{order.number}"))
    assert "已安排养护队于当日修复路面坑洼并清理积水。" in html
    assert "等待您的评价" in html


def test_a_bad_number_is_explained(db: None) -> None:
    response = track(Client(), "12345", "1234")
    assert response.status_code == 400
    assert "工单号是13位数字" in text(response)
