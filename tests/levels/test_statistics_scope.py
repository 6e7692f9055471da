"""Statistics are scoped to a hub's subtree: the county leader sees the county's figures, the
prefecture leader the prefecture's with the county as one line to open. An order handed down
counts once at each level. Every statistics page and export is checked."""

from __future__ import annotations

import io
from typing import Any

import openpyxl
import pytest
from django.test import Client

from civicdesk.orders import actions
from civicdesk.statistics import rollups
from civicdesk.statistics.briefings import run_briefings
from civicdesk.statistics.models import Briefing, Export
from tests.levels.conftest import Chain
from tests.statistics.helpers import at, t

pytestmark = pytest.mark.django_db

NOW = t(20, 12)
MARCH = "period=month&date=2026-03-10"


@pytest.fixture
def built(chain: Chain, settings: Any) -> Chain:
    """At the prefecture: 2 orders to its own bureau, 1 handed down to the county. At the
    county: 3 of its own intake. All in March, one of the county's with the 涉疫 topic."""
    settings.CIVICDESK_RANKING_MIN_VOLUME = 1
    w = chain.w
    with at(t(3)):
        for title in ("高速路口信号灯故障", "公交站牌损坏"):
            actions.dispatch(chain.new_order(title=title), actor=chain.pref_dispatcher, lead_unit=chain.bureau)
        actions.dispatch(chain.handed_down(title="荣成人民路坑洼"), actor=w.dispatcher, lead_unit=w.dept_a)
        for i in range(3):
            order = w.dispatched(title=f"荣成本级诉求{i}")
        order.topics.add(w.topic_epidemic)
    with at(NOW):
        rollups.run_rollup_sweep()
    return chain


def _client(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def _json(user: object, query: str = MARCH) -> dict[str, Any]:
    with at(NOW):
        response = _client(user).get(f"/stats/api/dashboard/?{query}")
    assert response.status_code == 200, response.content
    return response.json()  # type: ignore[no-any-return]


def test_the_county_leader_sees_the_countys_figures_only(built: Chain) -> None:
    body = _json(built.w.leader)

    # Its own 3 and the one handed down to it; not the prefecture's own two.
    assert body["overview"]["accepted"]["numerator"] == 4
    assert {r["name"] for r in body["ranking"]["rows"]} == {"市住房和城乡建设局"}
    assert body["levels"] == []


def test_the_prefecture_leader_sees_everything_once_with_the_county_as_a_line(built: Chain) -> None:
    body = _json(built.pref_leader)

    assert body["overview"]["accepted"]["numerator"] == 6
    lines = {r["name"]: r["accepted"]["numerator"] for r in body["levels"]}
    assert lines == {"威海市12345热线": 2, "荣成市社会治理服务中心": 4}
    assert sum(lines.values()) == body["overview"]["accepted"]["numerator"]
    assert {r["name"] for r in body["ranking"]["rows"]} == {"威海市交通运输局", "市住房和城乡建设局"}


def test_the_prefecture_leader_opens_the_county_line(built: Chain) -> None:
    with at(NOW):
        page = _client(built.pref_leader).get(f"/stats/?{MARCH}").content.decode()
    assert "本级与下级中心" in page and "口径：工单按其所在的中心计" in page
    assert f"hub={built.county.pk}" in page

    body = _json(built.pref_leader, f"{MARCH}&hub={built.county.pk}")
    assert body["overview"]["accepted"]["numerator"] == 4


def test_the_county_leader_cannot_open_the_prefecture(built: Chain) -> None:
    with at(NOW):
        response = _client(built.w.leader).get(f"/stats/api/dashboard/?{MARCH}&hub={built.prefecture.pk}")
    assert response.status_code == 400
    assert "不在您的统计范围内" in response.json()["errors"]["hub"]


def test_the_drill_down_and_its_export_keep_to_the_scope(built: Chain) -> None:
    with at(NOW):
        county = _client(built.w.leader).get(f"/stats/orders/?{MARCH}&code=accepted").content.decode()
        pref = _client(built.pref_leader).get(f"/stats/orders/?{MARCH}&code=accepted&hub={built.county.pk}")
        book = _client(built.w.leader).get(f"/stats/export/orders/?{MARCH}&code=accepted")
    assert "荣成人民路坑洼" in county and "高速路口信号灯故障" not in county
    assert "高速路口信号灯故障" not in pref.content.decode() and "荣成本级诉求0" in pref.content.decode()
    sheet = openpyxl.load_workbook(io.BytesIO(book.content)).active
    titles = {row[-3] for row in sheet.iter_rows(values_only=True)}
    assert "荣成人民路坑洼" in titles and "公交站牌损坏" not in titles


def test_a_background_export_keeps_the_scope_of_who_asked(built: Chain) -> None:
    # Imported here: the export builder loads openpyxl.
    from civicdesk.statistics.exports import build_orders_export

    params = {"period": "month", "date": "2026-03-10", "code": "accepted"}
    export = Export.objects.create(requested_by=built.w.leader, title="受理量", params=params)
    with at(NOW):
        assert build_orders_export.call(export.pk) == 4


def test_the_table_exports_keep_to_the_scope(built: Chain) -> None:
    with at(NOW):
        county = _client(built.w.leader).get(f"/stats/export/table/?{MARCH}&table=overview")
        levels = _client(built.pref_leader).get(f"/stats/export/table/?{MARCH}&table=levels")
    rows = list(openpyxl.load_workbook(io.BytesIO(county.content)).active.iter_rows(values_only=True))
    accepted = next(r for r in rows if r[0] == "受理量")
    assert accepted[2] == 4
    lines = list(openpyxl.load_workbook(io.BytesIO(levels.content)).active.iter_rows(values_only=True))
    names = [r[0] for r in lines]
    assert "威海市12345热线（本级）" in names and "荣成市社会治理服务中心" in names
    assert any("口径" in str(r[0]) for r in lines)


def test_the_topic_page_keeps_to_the_scope(built: Chain) -> None:
    topic = built.w.topic_epidemic.pk
    built.handed_down(title="威海涉疫咨询").topics.add(topic)  # made today: outside March
    query = f"period=month&date=2026-03-10&topic={topic}"
    with at(NOW):
        county = _client(built.w.leader).get(f"/stats/topic/?{query}")
        other = _client(built.pref_leader).get(f"/stats/topic/?{query}&hub={built.county.pk}")
    assert county.context["figures"]["accepted"]["numerator"] == 1
    assert other.context["figures"]["accepted"]["numerator"] == 1


def test_each_level_gets_its_own_briefing_and_reads_only_its_own(built: Chain) -> None:
    with at(t(24, 8)):  # Tuesday: the week of the 16th is complete
        run_briefings()
    county = Briefing.objects.get(kind="weekly", hub=built.county)
    pref = Briefing.objects.get(kind="weekly", hub=built.prefecture)
    assert county.data["center"] == "荣成市社会治理服务中心"
    monthly = Briefing.objects.filter(kind="monthly", hub=built.county)
    assert not monthly.exists() or monthly.get().data["figures"]

    county_leader = _client(built.w.leader)
    listing = county_leader.get("/stats/briefings/").content.decode()
    assert f"/stats/briefings/{county.pk}/" in listing and f"/stats/briefings/{pref.pk}/" not in listing
    assert county_leader.get(f"/stats/briefings/{pref.pk}/").status_code == 404
    assert county_leader.get(f"/stats/briefings/{pref.pk}/pdf/").status_code == 404
    assert _client(built.pref_leader).get(f"/stats/briefings/{county.pk}/").status_code == 200
