"""A liaison officer files a request on a company's behalf from the intake page: the
enterprise is picked by name or credit code, the officer's own companies offered first."""

from __future__ import annotations

from typing import Any

from civicdesk.enterprises.models import Enterprise
from civicdesk.orders.models import WorkOrder
from civicdesk.orders.workflow import State
from civicdesk.org.models import User
from tests.console.helpers import client_for, field_errors, text
from tests.world import World


def typed(w: World, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "citizen_phone": "13712345678",
        "citizen_name": "王海波",
        "channel": "liaison",
        "request_type": "help",
        "urgency": "normal",
        "title": "厂区门前道路破损",
        "content": "厂区门前道路破损严重，货车通行困难，请尽快修复。",
        "area": w.area_town.pk,
        "wants_reply": "on",
        "intent": "send_to_hub",
    }
    data.update(overrides)
    return data


def test_it_files_for_the_company_picked_from_the_list(w: World, company: Enterprise, officer: User) -> None:
    picked = f"{company.name}（{company.credit_code}）"

    response = client_for(officer).post("/intake/new", typed(w, enterprise=picked))

    assert response.status_code == 302
    order = WorkOrder.objects.get()
    assert (order.enterprise, order.owner, order.state) == (company, officer, State.PENDING_DISPATCH)
    assert "涉企" in set(order.topics.values_list("name", flat=True))


def test_it_accepts_a_typed_credit_code(w: World, company: Enterprise, officer: User) -> None:
    response = client_for(officer).post("/intake/new", typed(w, enterprise=company.credit_code.lower()))

    assert response.status_code == 302
    assert WorkOrder.objects.get().enterprise == company


def test_an_officer_must_name_the_company(w: World, company: Enterprise, officer: User) -> None:
    response = client_for(officer).post("/intake/new", typed(w, enterprise=""))

    assert response.status_code == 400
    assert field_errors(text(response), "id_enterprise") == ["驻企员受理须选择企业。"]
    assert not WorkOrder.objects.exists()


def test_an_unknown_company_is_refused_next_to_the_field(w: World, company: Enterprise, officer: User) -> None:
    response = client_for(officer).post("/intake/new", typed(w, enterprise="不存在的公司"))

    assert response.status_code == 400
    assert field_errors(text(response), "id_enterprise") == [
        "没有找到该企业，请从列表中选择，或输入完整的统一社会信用代码。"
    ]
    assert 'value="厂区门前道路破损"' in text(response)  # nothing typed is lost


def test_operators_may_leave_it_empty(w: World) -> None:
    response = client_for(w.operator).post("/intake/new", typed(w, channel="phone"))

    order = WorkOrder.objects.get()
    assert response.status_code == 302 and order.enterprise is None
    assert not order.topics.exists()


def test_the_picker_offers_the_officers_companies_first(
    w: World, company: Enterprise, other_company: Enterprise, officer: User
) -> None:
    page = text(client_for(officer).get("/intake/new"))
    options = page[page.index('id="enterprise-options"') :]
    assert company.credit_code in options[: options.index("</datalist>")]

    found = text(client_for(officer).get("/enterprises/search/", {"q": "荣成"}))
    assert found.index(company.credit_code) < found.index(other_company.credit_code)

    by_code = text(client_for(w.operator).get("/enterprises/search/", {"q": other_company.credit_code[:17]}))
    assert other_company.name in by_code and company.name not in by_code


def test_the_picker_is_for_the_intake_desk_only(w: World) -> None:
    assert client_for(w.handler_a).get("/enterprises/search/", {"q": "荣成"}).status_code == 403
