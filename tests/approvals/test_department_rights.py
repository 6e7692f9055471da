"""Who sees what of an application: the hub, the lead department and the company's liaison
officer see every department on one page; an approving department sees its own part and the
summary, not the others' opinions; anyone else does not find it."""

from __future__ import annotations

import pytest

from civicdesk.approvals.models import Application
from civicdesk.orders import actions
from civicdesk.org.models import User
from tests.console.helpers import client_for, text
from tests.world import World

pytestmark = pytest.mark.django_db


@pytest.fixture
def answered(w: World, application: Application) -> Application:
    actions.give_part(application.order, actor=w.handler_b, text="市场监管局：同意，食品生产许可另行办理。")
    actions.give_part(application.order, actor=w.handler_c, text="生态环境分局：环评手续齐全，同意。")
    return application


def test_the_hub_the_lead_and_the_officer_see_every_department(w: World, answered: Application, officer: User) -> None:
    for person in (w.dispatcher, w.handler_a, officer):
        page = text(client_for(person).get(f"/approvals/{answered.order.number}/"))
        assert "市场监管局：同意" in page and "环评手续齐全" in page, person


def test_a_department_sees_its_part_and_the_summary_only(w: World, answered: Application) -> None:
    page = text(client_for(w.handler_b).get(f"/approvals/{answered.order.number}/"))

    assert "市场监管局：同意" in page
    assert "环评手续齐全" not in page and "市生态环境分局" not in page
    assert "只能查看本部门" in page and "冷库扩建项目" in page


def test_anyone_else_does_not_find_it(w: World, answered: Application) -> None:
    assert client_for(w.town_handler).get(f"/approvals/{answered.order.number}/").status_code == 404
    assert client_for(w.outsider).get(f"/approvals/{answered.order.number}/").status_code == 403
