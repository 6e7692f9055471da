"""An export is named after what was chosen: the file and its sheet say the table, the period
and every filter (unit, area, category, type, topic), so two downloads never look alike."""

from __future__ import annotations

import io
from urllib.parse import unquote

from django.test import Client
from openpyxl import load_workbook

from civicdesk.catalogue.models import Topic
from tests.statistics.helpers import at, t
from tests.world import World


def _get(w: World, url: str) -> tuple[str, object]:
    client = Client()
    client.force_login(w.leader)
    with at(t(20, 12)):
        response = client.get(url)
    assert response.status_code == 200
    name = unquote(response["Content-Disposition"].split("''", 1)[1])
    return name, load_workbook(io.BytesIO(response.content)).active


def test_a_dashboard_table_is_named_after_its_period_and_filters(w: World) -> None:
    topic = Topic.objects.get(pk=w.topic_epidemic.pk)
    query = (
        f"period=month&date=2026-03-10&unit={w.dept_a.pk}&area={w.area_town.pk}&category={w.cat_roads.pk}"
        f"&type=complaint&topic={topic.pk}"
    )
    name, sheet = _get(w, f"/stats/export/table/?{query}&table=by_category")

    for part in (
        "分类受理量",
        "2026-03-01 — 2026-03-31",
        f"单位：{w.dept_a.name}（含下级）",
        f"区域：{w.area_town.name}",
        f"分类：{w.cat_roads.name}",
        "类型：投诉",
        f"专题：{topic.name}",
    ):
        assert part in name
        assert part in sheet["A1"].value  # type: ignore[attr-defined]
    assert name.endswith(".xlsx")
    assert sheet.title == name[:31]  # type: ignore[attr-defined]


def test_the_orders_behind_a_number_are_named_after_the_filters_too(w: World) -> None:
    with at(t(2)):
        w.signed()
    name, sheet = _get(w, f"/stats/export/orders/?period=month&date=2026-03-10&code=accepted&unit={w.dept_a.pk}&sub=0")
    assert name == f"受理量（分子）2026-03-01 — 2026-03-31 单位：{w.dept_a.name}（不含下级）.xlsx"
    assert sheet["A1"].value == name.removesuffix(".xlsx")  # type: ignore[attr-defined]
