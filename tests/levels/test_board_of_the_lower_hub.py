"""The lower hub's dispatch board lists what was handed down, saying from where and by when."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.levels.conftest import Chain

pytestmark = pytest.mark.django_db


def test_the_county_board_shows_the_handed_down_order_and_the_upper_deadline(chain: Chain, client: Client) -> None:
    order = chain.handed_down(title="威海转来：人民路路灯不亮")
    client.force_login(chain.w.dispatcher)

    page = client.get("/orders/dispatch/?tab=pending").content.decode()

    assert order.number in page
    assert "威海市12345热线下转" in page
    assert "上级时限" in page


def test_the_prefecture_board_no_longer_lists_it(chain: Chain, client: Client) -> None:
    order = chain.handed_down()
    client.force_login(chain.pref_dispatcher)

    page = client.get("/orders/dispatch/?tab=pending").content.decode()

    assert order.number not in page


def test_the_order_page_names_the_upper_hub_and_who_calls_back(chain: Chain, client: Client) -> None:
    order = chain.handed_down()
    client.force_login(chain.pref_leader)

    page = client.get(f"/orders/{order.number}/").content.decode()

    assert "威海市12345热线下转至荣成市社会治理服务中心" in page
    assert "由下级中心回访" in page
    # The timeline says who handed it to whom, with the deadline set from above.
    assert "威海市12345热线 下转 荣成市社会治理服务中心；上级时限" in page
