"""The dashboard's JSON asks the database as often for many units, categories, areas and
topics as for few, and its figures are the same whichever way they are read (issue #20): each
grouping of the rollup rows is one query, the periods' totals one more, names come with them."""

from __future__ import annotations

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from civicdesk.catalogue.models import Area, AreaKind, Category, Topic
from civicdesk.orders import actions
from civicdesk.org.models import OrgUnit, Role, UnitKind
from civicdesk.statistics import dashboard, rollups
from tests.statistics.helpers import at, t
from tests.statistics.scenario import build_scenario
from tests.world import World

NOW = t(30, 12, month=4)
MARCH = "/stats/api/dashboard/?period=month&date=2026-03-10"


def _queries(client: Client) -> int:
    with at(NOW):
        client.get(MARCH)  # the first view: sessions, per-process caches
        with CaptureQueriesContext(connection) as captured:
            response = client.get(MARCH)
    assert response.status_code == 200
    return len(captured.captured_queries)


def _more_of_everything(w: World, n: int) -> list[str]:
    """n more units, categories, areas and topics, each with a March order of its own."""
    made = []
    start = OrgUnit.objects.count()  # fresh codes on every call
    with at(t(5, 9)):
        for i in range(start, start + n):
            unit = OrgUnit.objects.create(name=f"新设单位{i}", code=f"rc-x{i}", kind=UnitKind.DEPARTMENT, parent=w.hub)
            handler = w.person(f"x_handler{i}", f"新设单位承办人{i}", (unit, Role.HANDLER))
            category = Category.objects.create(name=f"新增分类{i}", code=f"c-cj-dl-x{i}", parent=w.cat_roads)
            area = Area.objects.create(
                name=f"新建社区{i}", code=f"a-yt-x{i}", kind=AreaKind.COMMUNITY, parent=w.area_town
            )
            topic = Topic.objects.create(code=f"x{i}", name=f"新专题{i}")
            order = w.new_order(category=category, area=area, topics=[topic])
            order = actions.dispatch(order, actor=w.dispatcher, lead_unit=unit)
            actions.sign_for(order, actor=handler)
            made.append(area.name)
    with at(NOW):
        rollups.run_rollup_sweep()
    return made


def test_the_dashboard_json_asks_as_often_for_many_units_categories_areas_and_topics(w: World) -> None:
    build_scenario(w)
    client = Client()
    client.force_login(w.leader)
    _more_of_everything(w, 1)
    few = _queries(client)
    areas = _more_of_everything(w, 4)
    many = _queries(client)
    with at(NOW):
        body = client.get(MARCH).json()
    # The new areas are on the heat map, each with its order.
    heat = {row["name"]: row["accepted"]["numerator"] for row in body["area_heat"]}
    assert {name: heat.get(name) for name in areas} == dict.fromkeys(areas, 1)
    assert many <= few


def test_the_periods_read_together_are_the_periods_read_one_by_one(w: World) -> None:
    build_scenario(w)
    with at(NOW):
        rollups.run_rollup_sweep()
        q = dashboard.parse_query({"period": "month", "date": "2026-03-10"}, scope=w.hub)  # type: ignore[arg-type]
        periods = [
            q.days,
            dashboard.previous(q.days, q.kind),
            dashboard.last_year(q.days),
            rollups.Days(NOW.date(), NOW.date()),
        ]
        together = rollups.totals(periods, q.filters, codes=dashboard.OVERVIEW)
        one_by_one = [rollups.figures(days, q.filters, codes=dashboard.OVERVIEW)[None] for days in periods]
    assert together == one_by_one
    assert together[0]["accepted"].numerator > 0


def _queries_of(client: Client, query: str) -> int:
    with at(NOW):
        client.get(query)  # the first view: sessions, per-process caches
        with CaptureQueriesContext(connection) as captured:
            response = client.get(query)
    assert response.status_code == 200
    return len(captured.captured_queries)


def test_the_dashboard_json_asks_as_often_for_a_year_or_three_as_for_a_week_and_for_more_orders(w: World) -> None:
    build_scenario(w)
    with at(NOW):
        rollups.run_rollup_sweep()
    client = Client()
    client.force_login(w.leader)
    periods = [
        "/stats/api/dashboard/?period=week&date=2026-03-03",  # (a period with dispatches: units ranked)
        MARCH,
        "/stats/api/dashboard/?period=year&date=2026-03-10",
        "/stats/api/dashboard/?period=custom&from=2024-01-01&to=2026-12-31",
    ]
    counts = [_queries_of(client, query) for query in periods]
    assert len(set(counts)) == 1, dict(zip(periods, counts, strict=True))
    # More orders, on more days (new rows of every grain): the same queries again.
    for day in (10, 11, 12):
        with at(t(day, 9)):
            w.signed(category=w.cat_noise, area=w.area_village)
            w.answered(channel="web")
    with at(NOW):
        rollups.run_rollup_sweep()
    assert [_queries_of(client, query) for query in periods] == counts
    with at(NOW):
        year = client.get(periods[2]).json()
    assert year["overview"]["accepted"]["numerator"] >= 6
