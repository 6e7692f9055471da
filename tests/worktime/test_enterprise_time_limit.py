"""涉企诉求 can have their own time limits: a policy for enterprise requests applies to
orders with an enterprise, and beats the same policy for all orders."""

from __future__ import annotations

from decimal import Decimal

import time_machine

from civicdesk.enterprises.models import Enterprise
from civicdesk.lib import creditcode
from civicdesk.lib.worktime import LimitUnit
from civicdesk.worktime.limits import Limit, resolve_limit
from civicdesk.worktime.models import Stage, TimeLimitPolicy
from tests.console.helpers import client_for, text
from tests.worktime.helpers import at
from tests.world import World

WD, CH = LimitUnit.WORKING_DAYS, LimitUnit.CALENDAR_HOURS


def _company() -> Enterprise:
    code = creditcode.build("9", "1", "371082", "MA000001")
    return Enterprise.objects.create(name="荣成海洋食品有限公司", credit_code=code)


def _policy(amount: str, unit: str = WD.value, **scope: object) -> TimeLimitPolicy:
    return TimeLimitPolicy.objects.create(stage=Stage.HANDLE, amount=Decimal(amount), unit=unit, **scope)


def test_it_applies_only_to_enterprise_requests(w: World) -> None:
    _policy("15", request_type="complaint")
    _policy("5", request_type="complaint", enterprise=True)

    assert resolve_limit(Stage.HANDLE, "complaint", "normal", None, enterprise=True) == Limit(5, WD)
    assert resolve_limit(Stage.HANDLE, "complaint", "normal", None) == Limit(15, WD)


def test_a_general_enterprise_policy_beats_a_type_policy_but_not_a_category_one(w: World) -> None:
    _policy("15", request_type="complaint")
    _policy("7", enterprise=True)
    _policy("24", unit=CH.value, category=w.cat_potholes)

    assert resolve_limit(Stage.HANDLE, "complaint", "normal", w.cat_noise, enterprise=True) == Limit(7, WD)
    assert resolve_limit(Stage.HANDLE, "complaint", "normal", w.cat_potholes, enterprise=True) == Limit(24, CH)


def test_the_order_deadline_follows_it(w: World) -> None:
    _policy("5", enterprise=True)
    company = _company()
    with time_machine.travel(at(2026, 3, 9, 9), tick=False):  # Monday
        plain = w.dispatched(category=w.cat_noise)
        order = w.dispatched(category=w.cat_noise, enterprise=company)
    assert order.handle_due_at == at(2026, 3, 16, 9)  # 5 working days
    assert plain.handle_due_at == at(2026, 3, 30, 9)  # 15 (complaint)


def test_the_admin_adds_and_sees_it_on_the_policies_page(w: World) -> None:
    client = client_for(w.admin)
    form = text(client.get("/manage/worktime/limits/new/", {"stage": "handle", "enterprise": "1"}))
    assert 'name="enterprise"' in form and "checked" in form[form.index('name="enterprise"') - 200 :][:400]

    response = client.post(
        "/manage/worktime/limits/new/",
        {
            "stage": "handle",
            "request_type": "",
            "urgency": "",
            "category": "",
            "enterprise": "on",
            "amount": "5",
            "unit": "working_days",
        },
    )

    assert response.status_code == 302
    page = text(client.get("/manage/worktime/limits/?stage=handle"))
    section = page[page.index('id="enterprise-policies"') :]
    assert "5 工作日" in section
    assert resolve_limit(Stage.HANDLE, "help", "normal", None, enterprise=True) == Limit(5, WD)
    assert resolve_limit(Stage.HANDLE, "help", "normal", None) == Limit(10, WD)
