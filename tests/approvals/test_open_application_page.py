"""The page that opens a parallel approval (/approvals/new/): the hub's dispatcher (or the
enterprise desk's operator) for any company of the register, a liaison officer for the
companies they are stationed at. A refused form comes back filled in with the reasons next to
the fields, in the user's language, and writes nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import override_settings

from civicdesk.approvals.models import Application, ApprovalStep
from civicdesk.enterprises.models import Enterprise
from civicdesk.orders.models import Assignment, AssignmentRole, OrderEvent, WorkOrder
from civicdesk.org.models import User
from tests.console.helpers import client_for, field_errors, text
from tests.enterprises.helpers import code
from tests.world import World

pytestmark = pytest.mark.django_db
URL = "/approvals/new/"


def _form(w: World, company: Enterprise, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "enterprise": company.credit_code,
        "name": "冷库扩建项目",
        "kind": "project",
        "content": "",
        "lead_unit": w.dept_a.pk,
        "lead_days": "5",
        "unit_1": w.dept_b.pk,
        "days_1": "2",
        "unit_2": w.dept_c.pk,
        "days_2": "3",
    }
    data.update(overrides)
    return data


def _nothing_written() -> None:
    assert not Application.objects.exists()
    assert not ApprovalStep.objects.exists()
    assert not WorkOrder.objects.exists()
    assert not OrderEvent.objects.exists()


def test_the_dispatcher_opens_an_application_for_a_company_of_the_register(w: World, company: Enterprise) -> None:
    response = client_for(w.dispatcher).post(URL, _form(w, company, content="新增冷库2万吨。"))

    application = Application.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/approvals/{application.order.number}/"
    assert (application.enterprise, application.name, application.created_by) == (company, "冷库扩建项目", w.dispatcher)
    order = application.order
    assert order.state == "dispatched" and order.lead_unit == w.dept_a and order.enterprise == company
    assert order.citizen_phone == company.contact_phone  # the company follows it on the portal by it
    parts = Assignment.objects.filter(order=order, role=AssignmentRole.ASSIST)
    assert {p.unit_id for p in parts} == {w.dept_b.pk, w.dept_c.pk}
    steps = {(s.unit_id, s.lead, s.days) for s in application.steps.all()}
    assert steps == {(w.dept_a.pk, True, 5), (w.dept_b.pk, False, 2), (w.dept_c.pk, False, 3)}
    page = text(client_for(w.dispatcher).get(response["Location"]))
    assert "冷库扩建项目" in page and "市生态环境分局" in page


def test_a_refused_form_keeps_what_was_typed_and_says_why_next_to_the_fields(w: World, company: Enterprise) -> None:
    data = _form(w, company, name="", unit_2=w.dept_b.pk, days_2="4")
    response = client_for(w.dispatcher).post(URL, data)

    html = text(response)
    assert response.status_code == 400
    assert field_errors(html, "id_name")
    assert field_errors(html, "id_unit_2") == ["该部门已在上面列出。"]
    assert company.credit_code in html  # the company typed is still there
    _nothing_written()


def test_a_department_longer_than_the_lead_is_refused_not_cut(w: World, company: Enterprise) -> None:
    response = client_for(w.dispatcher).post(URL, _form(w, company, lead_days="3", days_1="4"))

    assert response.status_code == 400
    errors = field_errors(text(response), "id_lead_days")
    assert len(errors) == 1 and "市市场监督管理局（4）" in errors[0] and "3 个工作日" in errors[0]
    _nothing_written()


def test_an_unknown_company_and_a_lead_among_the_departments_are_refused(w: World, company: Enterprise) -> None:
    data = _form(w, company, enterprise="不存在的公司", unit_1=w.dept_a.pk)
    html = text(client_for(w.dispatcher).post(URL, data))

    assert "没有找到该企业" in field_errors(html, "id_enterprise")[0]
    assert field_errors(html, "id_unit_1") == ["牵头部门不能同时是协同审批部门。"]
    _nothing_written()


def test_the_reasons_come_in_english_for_an_english_user(w: World, company: Enterprise) -> None:
    client = client_for(w.dispatcher)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    response = client.post(URL, _form(w, company, lead_days="3", days_1="4", unit_2=w.dept_b.pk))

    html = text(response)
    assert response.status_code == 400
    assert field_errors(html, "id_unit_2") == ["This department is already listed above."]
    assert "Open a parallel approval" in html
    _nothing_written()


def test_the_same_application_sent_twice_is_opened_once(w: World, company: Enterprise) -> None:
    client = client_for(w.dispatcher)
    assert client.post(URL, _form(w, company)).status_code == 302
    again = client.post(URL, _form(w, company))

    assert again.status_code == 400
    assert "已有同名的并联审批申请在办" in field_errors(text(again), "id_name")[0]
    assert Application.objects.count() == 1 and WorkOrder.objects.count() == 1


def test_a_company_without_a_contact_phone_is_refused(w: World, company: Enterprise) -> None:
    company.contact_phone = ""
    company.save()
    html = text(client_for(w.dispatcher).post(URL, _form(w, company)))

    assert "没有联系电话" in field_errors(html, "id_enterprise")[0]
    _nothing_written()


def test_a_liaison_officer_opens_one_for_their_own_company_only(w: World, company: Enterprise, officer: User) -> None:
    other = Enterprise.objects.create(name="荣成远洋渔业有限公司", credit_code=code(22), contact_phone="13700000000")
    client = client_for(officer)
    assert client.get(URL).status_code == 200

    refused = client.post(URL, _form(w, other))
    assert refused.status_code == 400
    assert "驻企员只能为所驻企业申请并联审批" in text(refused)
    _nothing_written()

    assert client.post(URL, _form(w, company)).status_code == 302
    assert Application.objects.get().created_by == officer


@override_settings(CIVICDESK_OPERATOR_MAY_DISPATCH=False)
def test_where_only_dispatchers_dispatch_the_officer_and_the_operator_cannot_open_one(
    w: World, company: Enterprise, officer: User
) -> None:
    assert client_for(officer).get(URL).status_code == 403
    assert client_for(w.operator).post(URL, _form(w, company)).status_code == 403
    assert client_for(w.dispatcher).get(URL).status_code == 200
    _nothing_written()


def test_units_and_people_without_intake_rights_cannot_open_one(w: World, company: Enterprise) -> None:
    for person in (w.handler_a, w.supervisor, w.outsider):
        assert client_for(person).post(URL, _form(w, company)).status_code == 403, person
    _nothing_written()
