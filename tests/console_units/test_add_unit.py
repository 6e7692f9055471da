"""An admin adds a unit under a parent, renames and moves it; mistakes are named next to the field."""

from __future__ import annotations

import re

from civicdesk.org.models import OrgUnit
from tests.console_units.helpers import client_for, field_errors, text
from tests.world import World


def test_it_adds_a_unit_under_a_parent(w: World) -> None:
    client = client_for(w.admin)
    form = text(client.get(f"/manage/org/units/new/?parent={w.town.pk}"))
    assert re.search(rf'<option value="{w.town.pk}"[^>]*\bselected\b', form)

    response = client.post(
        "/manage/org/units/new/",
        {"name": "崖头街道南山社区", "code": "rc-yt-ns", "kind": "village", "parent": w.town.pk, "phone": ""},
    )

    assert response.status_code == 302
    unit = OrgUnit.objects.get(code="rc-yt-ns")
    assert unit.parent == w.town
    assert unit.path == f"{w.town.path}{unit.pk}/"
    tree = text(client.get("/manage/org/"))
    assert "崖头街道南山社区" in tree
    assert "已添加单位：崖头街道南山社区" in tree


def test_it_names_a_taken_code_and_a_sibling_with_the_same_name(w: World) -> None:
    response = client_for(w.admin).post(
        "/manage/org/units/new/", {"name": "崖头街道北山社区", "code": "rc-zj", "kind": "village", "parent": w.town.pk}
    )

    assert response.status_code == 400
    html = text(response)
    assert field_errors(html, "id_code") == ["该编码已被其他单位使用。"]
    assert field_errors(html, "id_name") == ["“崖头街道办事处”下已有同名单位。"]
    assert OrgUnit.objects.filter(name="崖头街道北山社区").count() == 1


def test_it_moves_a_unit_with_its_subtree_but_not_under_itself(w: World) -> None:
    client = client_for(w.admin)
    fields = {"name": "崖头街道", "code": "rc-yt", "kind": "town", "phone": ""}

    refused = client.post(f"/manage/org/units/{w.town.pk}/", {**fields, "parent": w.village.pk})
    assert refused.status_code == 400
    # The village is not even offered as a parent; posting it anyway is refused at the field.
    assert field_errors(text(refused), "id_parent")

    moved = client.post(f"/manage/org/units/{w.town.pk}/", {**fields, "parent": w.dept_a.pk})
    assert moved.status_code == 302
    w.town.refresh_from_db()
    w.village.refresh_from_db()
    assert w.town.name == "崖头街道"
    assert w.town.path == f"{w.dept_a.path}{w.town.pk}/"
    assert w.village.path == f"{w.town.path}{w.village.pk}/"


def test_it_refuses_to_deactivate_a_unit_still_in_use(w: World) -> None:
    client = client_for(w.admin)
    w.dispatched()  # an open order led by dept_a; dept_a also has a dispatch rule

    response = client.post(f"/manage/org/units/{w.dept_a.pk}/deactivate/")

    assert response.status_code == 400
    html = text(response)
    assert "还有 1 张由该单位主办的未办结工单，请先办结或改派。" in html
    assert "派单目录中还有 1 条规则指向该单位，请先修改派单目录。" in html
    w.dept_a.refresh_from_db()
    assert w.dept_a.active

    assert client.post(f"/manage/org/units/{w.dept_b.pk}/deactivate/").status_code == 302
    w.dept_b.refresh_from_db()
    assert not w.dept_b.active
