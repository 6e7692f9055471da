from __future__ import annotations

import pytest
from django.test import Client

from civicdesk.statistics import rollups
from tests.statistics.helpers import at, t
from tests.statistics.scenario import build_scenario
from tests.world import World

NOW = t(30, 12, month=4)
MARCH = "period=month&date=2026-03-10"


def _client(w: World, user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


@pytest.fixture
def built(w: World) -> World:
    build_scenario(w)
    with at(NOW):
        rollups.run_rollup_sweep()
    return w


@pytest.mark.parametrize("persona", ["leader", "dispatcher", "supervisor", "admin"])
def test_the_hub_and_leaders_get_the_dashboard_data(built: World, persona: str) -> None:
    with at(NOW):
        response = _client(built, getattr(built, persona)).get(f"/stats/api/dashboard/?{MARCH}")
    assert response.status_code == 200
    body = response.json()
    assert set(body) >= {
        "glance",
        "overview",
        "trend",
        "by_category",
        "by_area",
        "by_topic",
        "ranking",
        "overdue_by_unit",
        "area_heat",
        "definitions",
        "drill",
    }
    # Every order created in March that counts (voided, transferred and merged ones do not).
    assert body["overview"]["accepted"]["numerator"] == 13
    assert body["definitions"]["satisfaction"]["definition"].startswith("统计期内作出评价的回访中")


@pytest.mark.parametrize("persona", ["handler_a", "operator", "callback_agent", "outsider"])
def test_others_may_not_see_statistics(built: World, persona: str) -> None:
    client = _client(built, getattr(built, persona))
    assert client.get(f"/stats/api/dashboard/?{MARCH}").status_code == 403
    assert client.get("/stats/").status_code == 403


def test_a_bad_date_is_named(built: World) -> None:
    response = _client(built, built.leader).get("/stats/api/dashboard/?period=custom&from=2026-03-10&to=2026-03-01")
    assert response.status_code == 400
    assert response.json() == {"errors": {"to": "结束日期不能早于开始日期。"}}


def test_the_page_shows_the_filters_and_loads_the_data_from_the_json(built: World) -> None:
    response = _client(built, built.leader).get(f"/stats/?{MARCH}")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-api="/stats/api/dashboard/?period=month&amp;date=2026-03-10"' in html
    assert "echarts.min.js" in html and "统计" in html


def test_the_drill_down_lists_the_orders_behind_a_number(built: World) -> None:
    client = _client(built, built.leader)
    with at(NOW):
        body = client.get(f"/stats/api/dashboard/?{MARCH}").json()
        page = client.get(body["drill"]["overdue"])
    assert page.status_code == 200
    # Replied late (due 23 March); never signed (due 24 March); the town's, sub-dispatched, never replied.
    assert page.context["page"].paginator.count == body["overview"]["overdue"]["numerator"] == 3
    assert "/orders/" in page.content.decode()


def test_a_unit_handler_is_refused_the_drill_down(built: World) -> None:
    assert _client(built, built.handler_a).get(f"/stats/orders/?{MARCH}&code=accepted").status_code == 403
    assert _client(built, built.leader).get(f"/stats/orders/?{MARCH}&code=nonsense").status_code == 404
