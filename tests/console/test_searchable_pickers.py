"""Every page that chooses a category, an area, a unit or assisting units offers a searchable
picker (civicdesk.lib.picker): a plain <select> (it works without JavaScript) whose options
carry the name, the tree path and their pinyin for console/picker.js."""

from __future__ import annotations

import html as htmlib
import json
import re

import pytest

from tests.console.helpers import client_for, text
from tests.world import World

pytestmark = pytest.mark.django_db


def picker(page: str, select_id: str) -> tuple[str, dict[str, dict[str, str]]]:
    """The select's data-picker mode and its options' data, by option label."""
    match = re.search(rf'<select[^>]*id="{select_id}"[^>]*>(.*?)</select>', page, re.S)
    assert match, f"no select #{select_id}"
    tag = match.group(0)[: match.group(0).index(">")]
    mode = re.search(r'data-picker="([^"]*)"', tag)
    assert mode, f"#{select_id} is a plain select, not a picker"
    options: dict[str, dict[str, str]] = {}
    for attrs, label in re.findall(r"<option([^>]*)>(.*?)</option>", match.group(1), re.S):
        data = re.search(r'data-data="([^"]*)"', attrs)
        if data:
            options[htmlib.unescape(label).strip()] = json.loads(htmlib.unescape(data.group(1)))
    return mode.group(1), options


def test_the_intake_page_offers_category_area_and_unit_pickers(w: World) -> None:
    page = text(client_for(w.dispatcher).get("/intake/new"))
    _mode, categories = picker(page, "id_category")
    potholes = categories["城乡建设 / 市政道路 / 路面破损"]
    assert potholes["name"] == "路面破损"
    assert potholes["up"] == "城乡建设 ▸ 市政道路"
    assert [t.split("|")[0] for t in potholes["py"].split(" ")][:2] == ["lu", "mian"]
    _mode, areas = picker(page, "id_area")
    village = next(data for label, data in areas.items() if data["name"] == "北山社区")
    assert village["up"] == "荣成市 ▸ 崖头街道"  # the city is a choice itself: it stays
    _mode, units = picker(page, "id_lead_unit")
    bureau = next(data for data in units.values() if data["name"] == "市住房和城乡建设局")
    # What every choice shares and is not itself a choice (the hub and above) is left out.
    assert "up" not in bureau
    assert [t.split("|")[0] for t in bureau["py"].split(" ")][1:3] == ["zhu", "fang"]
    north = next(data for data in units.values() if data["name"] == "崖头街道北山社区")
    assert north["up"] == "崖头街道办事处"


def test_the_order_page_dispatches_with_a_multi_picker_for_assisting_units(w: World) -> None:
    order = w.pending()
    page = text(client_for(w.dispatcher).get(f"/orders/{order.number}/"))
    lead_id = re.search(r'<select[^>]*name="dispatch-lead_unit"[^>]*id="([^"]+)"', page)
    assert lead_id
    assert picker(page, lead_id.group(1))[0] == "1"
    assisting_id = re.search(r'<select[^>]*name="dispatch-assisting_units"[^>]*id="([^"]+)"', page)
    assert assisting_id
    mode, units = picker(page, assisting_id.group(1))
    assert mode == "multi"
    assert {"市住房和城乡建设局", "市市场监督管理局"} <= {d["name"] for d in units.values()}


def test_the_board_filters_and_bulk_dispatch_use_pickers(w: World) -> None:
    w.pending()
    page = text(client_for(w.dispatcher).get("/orders/dispatch/"))
    assert picker(page, "filter_category")[0] == "1"
    assert picker(page, "filter_area")[0] == "1"
    assert picker(page, "bulk_lead_unit")[0] == "1"
    assert picker(page, "bulk_assisting_units")[0] == "multi"


def test_the_statistics_filters_use_pickers_and_keep_the_choice(w: World) -> None:
    page = text(client_for(w.leader).get("/stats/", {"category": w.cat_potholes.pk}))
    _mode, categories = picker(page, "f-category")
    assert any(d["name"] == "路面破损" for d in categories.values())
    chosen = re.search(r'<select[^>]*id="f-category".*?</select>', page, re.S)
    assert chosen and re.search(rf'<option value="{w.cat_potholes.pk}"[^>]*selected', chosen.group(0))
    assert picker(page, "f-area")[0] == "1"
    assert picker(page, "f-unit")[0] == "1"


def test_the_admin_pages_use_pickers(w: World) -> None:
    admin = client_for(w.admin)
    rule = text(admin.get("/manage/catalogue/rules/new/"))
    for select_id in ("id_category", "id_area", "id_unit"):
        assert picker(rule, select_id)[0] == "1"
    assert picker(text(admin.get("/manage/worktime/limits/new/")), "id_category")[0] == "1"
    assert picker(text(admin.get("/manage/org/users/new/")), "id_unit")[0] == "1"


def test_the_knowledge_base_form_uses_pickers(w: World) -> None:
    page = text(client_for(w.admin).get("/knowledge/new/"))
    _mode, categories = picker(page, "id_category")
    assert any(d["name"] == "路面破损" and d["up"] == "城乡建设 ▸ 市政道路" for d in categories.values())
    assert picker(page, "id_owner_unit")[0] == "1"


def test_the_duty_roster_chooses_its_unit_with_a_picker(w: World) -> None:
    page = text(client_for(w.dispatcher).get("/manage/worktime/duty/"))
    _mode, units = picker(page, "roster-unit-picker")
    names = {data["name"] for data in units.values()}
    assert w.dept_a.name in names
    # The hub's own line is its whole-center view, said so in the list.
    assert any(label.startswith("全中心：") for label in units)
