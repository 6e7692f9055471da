"""The page of each issuing unit: what expires in the next 90 days, who was reminded (with
the delivery result), who renewed — and the unit records renewals there."""

from __future__ import annotations

from datetime import date, timedelta

import time_machine

from civicdesk.enterprises.models import Enterprise, Licence
from civicdesk.org.models import User
from tests.console.helpers import client_for, text
from tests.enterprises.reminder_helpers import licence, sweep_on
from tests.world import World

TODAY = date(2026, 3, 9)  # a Monday


def _page(user: User, **params: object) -> tuple[int, str]:
    with time_machine.travel(TODAY, tick=False):
        response = client_for(user).get("/enterprises/licences/", params)
    return response.status_code, text(response)


def test_it_lists_what_expires_who_was_reminded_and_who_renewed(
    w: World, company: Enterprise, other_company: Enterprise, officer: User
) -> None:
    soon = licence(company, w.dept_b, TODAY + timedelta(days=30), "JY-SOON")
    later = licence(other_company, w.dept_b, TODAY + timedelta(days=200), "JY-LATER")
    elsewhere = licence(company, w.dept_c, TODAY + timedelta(days=20), "PW-OTHER", kind="discharge")
    renewed = licence(other_company, w.dept_b, TODAY + timedelta(days=45), "JY-RENEWED")
    sweep_on(TODAY)

    with time_machine.travel(TODAY, tick=False):
        response = client_for(w.handler_b).post(
            f"/enterprises/licences/{renewed.pk}/renew/",
            {f"renew-{renewed.pk}-new_valid_to": "2031-04-23", f"renew-{renewed.pk}-note": "已延续"},
        )
    assert response.status_code == 302
    status, page = _page(w.handler_b)

    assert status == 200
    expiring = page[page.index('id="expiring"') : page.index('id="renewed"')]
    assert soon.number in expiring and later.number not in expiring and elsewhere.number not in expiring
    assert "提前30天" in expiring and "驻企员 驻企员小孙" in expiring and "已发送" in expiring
    renewals = page[page.index('id="renewed"') :]
    assert renewed.number in renewals and "2031-04-23" in renewals
    assert Licence.objects.get(pk=renewed.pk).valid_to == date(2031, 4, 23)


def test_a_bad_renewal_date_is_refused_next_to_the_field(w: World, company: Enterprise) -> None:
    lic = licence(company, w.dept_b, TODAY + timedelta(days=30), "JY-SOON")
    with time_machine.travel(TODAY, tick=False):
        response = client_for(w.handler_b).post(
            f"/enterprises/licences/{lic.pk}/renew/", {f"renew-{lic.pk}-new_valid_to": "2026-01-01"}
        )
    assert response.status_code == 400
    assert "新的有效期须晚于原有效期（2026-04-08）。" in text(response)
    assert Licence.objects.get(pk=lic.pk).valid_to == TODAY + timedelta(days=30)


def test_units_see_their_own_licences_and_the_hub_every_units(w: World, company: Enterprise) -> None:
    lic = licence(company, w.dept_b, TODAY + timedelta(days=30), "JY-SOON")

    assert lic.number not in _page(w.handler_a)[1]
    assert lic.number in _page(w.leader, unit=w.dept_b.pk)[1]
    assert _page(w.leader, unit=w.dept_a.pk)[0] == 404  # no licences there: not offered
    assert _page(w.outsider)[0] == 403


def test_only_the_issuing_unit_records_a_renewal(w: World, company: Enterprise) -> None:
    lic = licence(company, w.dept_b, TODAY + timedelta(days=30), "JY-SOON")
    with time_machine.travel(TODAY, tick=False):
        leader = client_for(w.leader).post(
            f"/enterprises/licences/{lic.pk}/renew/", {f"renew-{lic.pk}-new_valid_to": "2031-01-01"}
        )
        other_unit = client_for(w.handler_a).post(
            f"/enterprises/licences/{lic.pk}/renew/", {f"renew-{lic.pk}-new_valid_to": "2031-01-01"}
        )
    assert (leader.status_code, other_unit.status_code) == (403, 404)
    assert Licence.objects.get(pk=lic.pk).valid_to == TODAY + timedelta(days=30)


def test_a_liaison_officer_sees_the_licences_of_their_companies(
    w: World, company: Enterprise, other_company: Enterprise, officer: User
) -> None:
    licence(company, w.dept_b, TODAY + timedelta(days=30), "JY-MINE")
    licence(company, w.dept_c, TODAY + timedelta(days=20), "PW-MINE", kind="discharge")
    licence(other_company, w.dept_b, TODAY + timedelta(days=30), "JY-NOT-MINE")

    status, page = _page(officer)

    assert status == 200
    table = page[page.index('id="expiring"') : page.index('id="renewed"')]
    assert "JY-MINE" in table and "PW-MINE" in table and "JY-NOT-MINE" not in table
    assert w.dept_c.name in table  # whoever issued it
    assert 'action="/enterprises/licences/' not in page  # officers do not record renewals


def test_a_liaison_officer_switches_between_their_companies_and_a_unit_in_one_picker(
    w: World, company: Enterprise, officer: User
) -> None:
    licence(company, w.dept_b, TODAY + timedelta(days=30), "JY-MINE")

    status, page = _page(officer, unit="")  # the picker's empty choice: my companies

    assert status == 200
    assert "JY-MINE" in page[page.index('id="expiring"') : page.index('id="renewed"')]


def test_the_hub_chooses_the_issuing_unit_with_a_searchable_picker(w: World, company: Enterprise) -> None:
    licence(company, w.dept_b, TODAY + timedelta(days=30), "JY-SOON")
    licence(company, w.dept_c, TODAY + timedelta(days=20), "PW-SOON", kind="discharge")

    status, page = _page(w.leader, unit=w.dept_b.pk)

    assert status == 200
    select = page[page.index('id="licence-unit"') - 200 : page.index("</select>", page.index('id="licence-unit"'))]
    assert "data-picker" in select and w.dept_b.name in select and w.dept_c.name in select
