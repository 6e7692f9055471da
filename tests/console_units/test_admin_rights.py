"""The admin pages are for people with the admin role only."""

from __future__ import annotations

import pytest

from civicdesk.catalogue.models import DispatchRule
from civicdesk.org.models import OrgUnit
from civicdesk.worktime.models import CalendarDay, TimeLimitPolicy
from tests.console_units.helpers import client_for, text
from tests.world import World

PAGES = [
    "/manage/org/",
    "/manage/org/units/new/",
    "/manage/org/users/",
    "/manage/org/users/new/",
    "/manage/catalogue/",
    "/manage/catalogue/rules/new/",
    "/manage/worktime/limits/",
    "/manage/worktime/limits/new/",
    "/manage/worktime/calendar/",
]


@pytest.mark.parametrize(
    "persona", ["operator", "dispatcher", "handler_a", "head_a", "callback_agent", "supervisor", "leader", "outsider"]
)
def test_it_refuses_non_admins(w: World, persona: str) -> None:
    client = client_for(getattr(w, persona))
    for page in PAGES:
        response = client.get(page)
        assert response.status_code == 403, page
        assert "您没有权限访问此页面" in text(response)
    rule = DispatchRule.objects.first()
    assert rule is not None
    assert client.post(f"/manage/catalogue/rules/{rule.pk}/", {"unit": w.dept_b.pk}).status_code == 403
    assert (
        client.post("/manage/worktime/calendar/", {"day": "2027-01-01", "is_workday": "0", "note": "元旦"}).status_code
        == 403
    )
    assert (
        client.post(
            "/manage/org/units/new/", {"name": "新单位", "code": "x", "kind": "office", "parent": w.hub.pk}
        ).status_code
        == 403
    )
    assert not CalendarDay.objects.exists()
    assert not TimeLimitPolicy.objects.exists()
    assert not OrgUnit.objects.filter(code="x").exists()


def test_it_refuses_a_superuser_without_the_admin_role(w: World) -> None:
    from civicdesk.org.models import User

    root = User.objects.create_superuser(username="root", password="pw-root-2026")
    assert client_for(root).get("/manage/org/").status_code == 403


def test_it_opens_every_page_for_an_admin_and_links_them_from_manage(w: World) -> None:
    client = client_for(w.admin)
    for page in PAGES:
        assert client.get(page).status_code == 200, page
    manage = text(client.get("/manage/"))
    for link in (
        "/manage/org/",
        "/manage/org/users/",
        "/manage/catalogue/",
        "/manage/worktime/limits/",
        "/manage/worktime/calendar/",
        'href="/admin/"',
    ):
        assert link in manage
