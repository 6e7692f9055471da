from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from civicdesk.enterprises.models import Enterprise, EnterpriseSize, LiaisonAssignment
from civicdesk.org.models import Role, User
from civicdesk.policies.actions import save_policy
from civicdesk.policies.models import Policy
from tests.enterprises.helpers import code
from tests.world import World


def measure(w: World, code_: str = "RC-2026-01", **values: Any) -> Policy:
    """A measure saved through the action, by the hub's dispatcher."""
    areas = values.pop("areas", None)
    base = {
        "code": code_,
        "title": "小微企业吸纳就业补贴",
        "issuing_body": "荣成市人力资源和社会保障局",
        "benefit": "每吸纳一名高校毕业生，一次性补贴2000元。",
        "eligibility": "在本市登记的小微企业。",
        "materials": "营业执照、劳动合同、社保缴费记录。",
        "contact": "0631-7561234",
    }
    policy, _changed = save_policy(actor=w.dispatcher, values={**base, **values}, areas=areas)
    return policy


@pytest.fixture
def factory(w: World) -> Enterprise:
    return Enterprise.objects.create(
        name="荣成海洋食品有限公司",
        credit_code=code(11),
        industry="C",
        size=EnterpriseSize.SMALL,
        area=w.area_village,
        founded_on=date(2019, 5, 1),
        employees=45,
        contact_name="王海波",
        contact_phone="13712345678",
        contact_email="wang@haiyang.example",
    )


@pytest.fixture
def hotel(w: World) -> Enterprise:
    return Enterprise.objects.create(
        name="荣成望海度假酒店有限公司", credit_code=code(12), industry="H", size=EnterpriseSize.MEDIUM
    )


@pytest.fixture
def officer(w: World, factory: Enterprise) -> User:
    user = w.person("liaison", "驻企员小孙", (w.hub, Role.LIAISON))
    User.objects.filter(pk=user.pk).update(phone="13900001111", email="sun@rc.example")
    user.refresh_from_db()
    LiaisonAssignment.objects.create(officer=user, enterprise=factory, starts_on=date(2020, 1, 1))
    return user
