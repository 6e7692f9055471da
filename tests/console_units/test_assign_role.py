"""An admin adds a person and gives them roles in units; the role works at once."""

from __future__ import annotations

from civicdesk.org.models import Membership, Role, User
from tests.console_units.helpers import client_for, field_errors, text
from tests.world import World


def test_it_assigns_a_role_in_a_unit(w: World) -> None:
    client = client_for(w.admin)
    assert client_for(w.outsider).get("/orders/inbox/").status_code == 403

    response = client.post(
        f"/manage/org/users/{w.outsider.pk}/", {"form": "membership", "unit": w.dept_b.pk, "role": Role.HANDLER}
    )

    assert response.status_code == 302
    assert Membership.objects.filter(user=w.outsider, unit=w.dept_b, role=Role.HANDLER).exists()
    page = text(client.get(response["Location"]))
    assert "已为 无关人员 分配角色：市市场监督管理局 · 承办人" in page
    assert client_for(User.objects.get(pk=w.outsider.pk)).get("/orders/inbox/").status_code == 200
    assert "市市场监督管理局" in text(client.get("/manage/org/"))


def test_it_refuses_a_role_the_person_already_holds(w: World) -> None:
    response = client_for(w.admin).post(
        f"/manage/org/users/{w.handler_a.pk}/", {"form": "membership", "unit": w.dept_a.pk, "role": Role.HANDLER}
    )

    assert response.status_code == 400
    assert field_errors(text(response), "id_role") == ["住建承办人 在 市住房和城乡建设局 已有“承办人”角色。"]
    assert Membership.objects.filter(user=w.handler_a).count() == 1


def test_it_adds_a_user_with_a_first_role_and_checks_the_password(w: World) -> None:
    client = client_for(w.admin)
    base = {
        "username": "new_handler",
        "display_name": "新承办人",
        "phone": "",
        "unit": w.dept_c.pk,
        "role": Role.HANDLER,
    }

    refused = client.post("/manage/org/users/new/", {**base, "password1": "Qinglan-2026x", "password2": "other"})
    assert refused.status_code == 400
    assert field_errors(text(refused), "id_password2") == ["两次输入的密码不一致。"]

    good = {**base, "password1": "Qinglan-2026x", "password2": "Qinglan-2026x"}
    response = client.post("/manage/org/users/new/", good)
    assert response.status_code == 302
    person = User.objects.get(username="new_handler")
    assert person.check_password("Qinglan-2026x")
    assert list(person.memberships.values_list("unit", "role")) == [(w.dept_c.pk, Role.HANDLER)]


def test_it_deactivates_a_user_but_not_oneself(w: World) -> None:
    client = client_for(w.admin)
    assert client.post(f"/manage/org/users/{w.handler_b.pk}/active/", {"active": "0"}).status_code == 302
    w.handler_b.refresh_from_db()
    assert not w.handler_b.is_active

    response = client.post(f"/manage/org/users/{w.admin.pk}/active/", {"active": "0"})
    assert "不能停用您自己的账号。" in text(client.get(response["Location"]))
    w.admin.refresh_from_db()
    assert w.admin.is_active
