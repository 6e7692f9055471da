"""A liaison officer's page lists, for each company they are stationed at, the measures it
probably qualifies for with the conditions met and those to confirm; an enterprise's order
shows the measures that match its company; another company's page is not theirs to open."""

from __future__ import annotations

from decimal import Decimal

import pytest

from civicdesk.enterprises.models import Enterprise
from civicdesk.org.models import User
from tests.console.helpers import client_for, text
from tests.policies.conftest import measure
from tests.world import World

pytestmark = pytest.mark.django_db


def test_the_officer_sees_the_measures_of_their_companies(
    w: World, factory: Enterprise, hotel: Enterprise, officer: User
) -> None:
    measure(w, "RC-A", title="制造业技术改造奖补", industries=["C"], min_annual_tax=Decimal("20"))
    measure(w, "RC-C", title="住宿餐饮消费券", industries=["H"])

    page = text(client_for(officer).get("/policies/mine/"))

    assert "荣成海洋食品有限公司" in page and "荣成望海度假酒店有限公司" not in page
    assert "制造业技术改造奖补" in page and "住宿餐饮消费券" not in page
    assert "✓ 行业" in page and "? 纳税额（待核实）" in page


def test_an_enterprise_order_shows_the_measures_of_its_company(w: World, factory: Enterprise, officer: User) -> None:
    measure(w, "RC-A", title="制造业技术改造奖补", industries=["C"])
    order = w.dispatched(enterprise=factory)

    detail = text(client_for(w.dispatcher).get(f"/orders/{order.number}/"))
    panel = text(client_for(w.dispatcher).get(f"/policies/order/{order.number}/panel/"))

    assert f"/policies/order/{order.number}/panel/" in detail
    assert "制造业技术改造奖补" in panel
    assert client_for(officer).get(f"/policies/order/{order.number}/panel/").status_code == 200
    assert client_for(w.handler_b).get(f"/policies/order/{order.number}/panel/").status_code == 404


def test_another_company_is_not_the_officers_to_open(w: World, hotel: Enterprise, officer: User) -> None:
    assert client_for(officer).get(f"/policies/company/{hotel.pk}/").status_code == 404
    assert client_for(w.dispatcher).get(f"/policies/company/{hotel.pk}/").status_code == 200


def test_the_measure_page_lists_only_the_officers_companies_among_its_matches(
    w: World, factory: Enterprise, hotel: Enterprise, officer: User
) -> None:
    policy = measure(w, "RC-ALL", title="全市企业用电优惠")

    mine = text(client_for(officer).get(f"/policies/{policy.pk}/"))
    hub = text(client_for(w.dispatcher).get(f"/policies/{policy.pk}/"))

    assert "荣成海洋食品有限公司" in mine and "荣成望海度假酒店有限公司" not in mine
    assert "荣成海洋食品有限公司" in hub and "荣成望海度假酒店有限公司" in hub
