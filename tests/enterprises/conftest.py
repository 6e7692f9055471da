from __future__ import annotations

from datetime import date

import pytest

from civicdesk.enterprises.models import Enterprise, LiaisonAssignment
from civicdesk.org.models import Role, User
from tests.enterprises.helpers import code
from tests.world import World


@pytest.fixture
def company(w: World) -> Enterprise:
    return Enterprise.objects.create(
        name="荣成海洋食品有限公司",
        credit_code=code(1),
        industry="C",
        area=w.area_town,
        contact_name="王海波",
        contact_phone="13712345678",
        contact_email="wang@haiyang.example",
    )


@pytest.fixture
def other_company(w: World) -> Enterprise:
    return Enterprise.objects.create(name="荣成远洋渔业有限公司", credit_code=code(2), industry="A")


@pytest.fixture
def officer(w: World, company: Enterprise) -> User:
    user = w.person("liaison", "驻企员小孙", (w.hub, Role.LIAISON))
    User.objects.filter(pk=user.pk).update(phone="13900001111", email="sun@qinglan.example")
    user.refresh_from_db()
    LiaisonAssignment.objects.create(officer=user, enterprise=company, starts_on=date(2020, 1, 1))
    return user
