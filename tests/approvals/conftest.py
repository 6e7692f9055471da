from __future__ import annotations

from datetime import date

import pytest
import time_machine

from civicdesk.approvals.actions import open_application
from civicdesk.approvals.models import Application
from civicdesk.enterprises.models import Enterprise, LiaisonAssignment
from civicdesk.org.models import Role, User
from tests.enterprises.helpers import code
from tests.worktime.helpers import at
from tests.world import World

MONDAY = at(2026, 3, 9, 9)


@pytest.fixture
def company(w: World) -> Enterprise:
    return Enterprise.objects.create(
        name="荣成海洋食品有限公司", credit_code=code(21), industry="C", contact_phone="13712345678"
    )


@pytest.fixture
def officer(w: World, company: Enterprise) -> User:
    user = w.person("liaison", "驻企员小孙", (w.hub, Role.LIAISON))
    LiaisonAssignment.objects.create(officer=user, enterprise=company, starts_on=date(2020, 1, 1))
    return user


def open_cold_store(w: World, company: Enterprise, moment: object = MONDAY) -> Application:
    """冷库扩建: the building department leads (5 days); market supervision (2) and the
    environment bureau (3) approve in parallel."""
    with time_machine.travel(moment, tick=False):
        return open_application(
            actor=w.dispatcher,
            enterprise=company,
            name="冷库扩建项目",
            lead_unit=w.dept_a,
            lead_days=5,
            departments=[(w.dept_b, 2), (w.dept_c, 3)],
        )


@pytest.fixture
def application(w: World, company: Enterprise) -> Application:
    return open_cold_store(w, company)
