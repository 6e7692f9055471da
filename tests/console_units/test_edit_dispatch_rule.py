"""Editing a line of the dispatch catalogue changes where the category goes."""

from __future__ import annotations

from civicdesk.catalogue.dispatch import responsible_unit
from civicdesk.catalogue.models import DispatchRule
from tests.console_units.helpers import client_for, field_errors, text
from tests.world import World


def test_it_changes_the_responsible_unit(w: World) -> None:
    rule = DispatchRule.objects.get(category=w.cat_roads, area=None)
    match = responsible_unit(w.cat_potholes, w.area_town)
    assert match is not None and match.unit == w.dept_a
    client = client_for(w.admin)
    tree = text(client.get("/manage/catalogue/"))
    assert f'href="/manage/catalogue/rules/{rule.pk}/"' in tree
    assert "沿用“市政道路”" in tree  # 路面破损 inherits its parent's rule

    response = client.post(
        f"/manage/catalogue/rules/{rule.pk}/",
        {"category": w.cat_roads.pk, "area": "", "unit": w.dept_b.pk, "note": "职责调整", "active": "on"},
    )

    assert response.status_code == 302
    match = responsible_unit(w.cat_potholes, w.area_town)
    assert match is not None and match.unit == w.dept_b
    # The village's own rule for roads still wins there.
    match = responsible_unit(w.cat_potholes, w.area_village)
    assert match is not None and match.unit == w.village


def test_it_refuses_a_second_rule_for_the_same_category_and_area(w: World) -> None:
    response = client_for(w.admin).post(
        "/manage/catalogue/rules/new/", {"category": w.cat_roads.pk, "area": "", "unit": w.dept_b.pk, "active": "on"}
    )

    assert response.status_code == 400
    assert field_errors(text(response), "id_category") == [
        "这一分类和区域已有规则（→ 市住房和城乡建设局），请直接修改那一条。"
    ]
    assert DispatchRule.objects.filter(category=w.cat_roads, area=None).count() == 1


def test_it_refuses_the_hub_itself_as_responsible_unit(w: World) -> None:
    response = client_for(w.admin).post(
        "/manage/catalogue/rules/new/", {"category": w.cat_noise.pk, "area": "", "unit": w.hub.pk, "active": "on"}
    )

    assert response.status_code == 400
    assert field_errors(text(response), "id_unit") == [
        "荣成市社会治理服务中心 是服务中心本身，请选择其下属的承办单位。"
    ]
