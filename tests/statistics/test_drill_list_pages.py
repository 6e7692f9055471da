"""A drill-down list pages through the orders behind a number without counting a long period
whole (issue #20): the count stops at a cap ("1,000+"), the pages together hold each order of
the figure once, and the page asks the database as often for many orders as for few."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from civicdesk.orders import actions
from civicdesk.orders.models import WorkOrder
from civicdesk.statistics import views
from civicdesk.statistics.dashboard import OVERVIEW
from civicdesk.statistics.measures import MEASURES, Period, measure
from tests.statistics.helpers import at, t
from tests.statistics.scenario import build_scenario
from tests.world import World

NOW = t(30, 12, month=4)
MARCH = "period=month&date=2026-03-10"
MARCH_PERIOD = Period(t(1, 0), t(1, 0, month=4))


def _client(w: World) -> Client:
    client = Client()
    client.force_login(w.leader)
    return client


def _numbers(html: str) -> list[str]:
    return re.findall(r'href="/orders/(\d+)/"', html)


def _pages(client: Client, code: str, part: str) -> tuple[list[str], str]:
    """Every order number the list shows, page after page, and the count it says."""
    numbers: list[str] = []
    page, count = 1, ""
    while True:
        html = client.get(f"/stats/orders/?{MARCH}&code={code}&part={part}&page={page}").content.decode()
        count = count or re.search(r'id="drill-count">([^<]*)<', html).group(1)  # type: ignore[union-attr]
        numbers += _numbers(html)
        if f"page={page + 1}" not in html:
            return numbers, count
        page += 1


@pytest.mark.parametrize("code", OVERVIEW)
def test_the_pages_together_list_each_order_behind_the_number_once(w: World, code: str, monkeypatch: object) -> None:
    build_scenario(w)
    monkeypatch.setattr(views, "PAGE", 2)  # type: ignore[attr-defined]
    client = _client(w)
    with at(NOW), override_settings(CIVICDESK_STATS_LIST_COUNT_CAP=3):
        for part in ("numerator", "denominator") if MEASURES[code].kind != "count" else ("numerator",):
            figure = measure(code, MARCH_PERIOD, as_of=NOW)
            ids = figure.numerator_ids if part == "numerator" else figure.denominator_ids
            expected = sorted(WorkOrder.objects.filter(pk__in=set(ids)).values_list("number", flat=True))
            listed, count = _pages(client, code, part)
            assert sorted(listed) == expected, (code, part)
            assert len(listed) == len(set(listed)), (code, part)
            assert count == (f"{3:,}+" if len(expected) > 3 else str(len(expected))), (code, part)


def test_past_the_cap_the_count_says_so(w: World) -> None:
    build_scenario(w)
    client = _client(w)
    with at(NOW), override_settings(CIVICDESK_STATS_LIST_COUNT_CAP=5):
        html = client.get(f"/stats/orders/?{MARCH}&code=accepted").content.decode()
    assert re.search(r'id="drill-count">5\+<', html)
    with at(NOW):
        html = client.get(f"/stats/orders/?{MARCH}&code=accepted").content.decode()
    assert re.search(r'id="drill-count">13<', html)


def _queries(client: Client, path: str) -> int:
    with at(NOW):
        client.get(path)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
    assert response.status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize(
    "code",
    ["accepted", "handling_time", "completion", "on_time", "satisfaction", "resolution", "response", "reply_flagged"],
)
def test_the_list_asks_as_often_for_many_orders_as_for_few(w: World, code: str) -> None:
    build_scenario(w)
    client = _client(w)
    path = f"/stats/orders/?{MARCH}&code={code}&part=denominator"
    few = _queries(client, path)
    with at(t(20, 9)):
        for i in range(8):
            # Confidential callers among them: their text is shown by the order's hub.
            order = actions.dispatch(w.new_order(confidential=i % 2 == 0), actor=w.dispatcher, lead_unit=w.dept_a)
            actions.sign_for(order, actor=w.handler_a)
    many = _queries(client, path)
    assert many <= few
