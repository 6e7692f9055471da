"""A liaison officer sees every order of the companies they are stationed at — and only
while stationed there."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from civicdesk.enterprises.models import Enterprise, LiaisonAssignment
from civicdesk.orders.permissions import visible_orders
from civicdesk.org.models import Role, User
from tests.console.helpers import client_for, order_numbers, text
from tests.world import World


def test_it_shows_the_officer_orders_others_filed_for_their_company(
    w: World, company: Enterprise, other_company: Enterprise, officer: User
) -> None:
    mine = w.dispatched(enterprise=company)
    theirs = w.dispatched(enterprise=other_company)
    plain = w.dispatched()

    visible = set(visible_orders(officer).values_list("pk", flat=True))

    assert mine.pk in visible
    assert theirs.pk not in visible and plain.pk not in visible


def test_it_lists_them_on_my_enterprise_requests(w: World, company: Enterprise, officer: User) -> None:
    order = w.signed(enterprise=company)
    w.dispatched()

    response = client_for(officer).get("/enterprises/mine/")

    assert response.status_code == 200
    assert order_numbers(text(response)) == [order.number]
    assert "荣成海洋食品有限公司" in text(response)


def test_it_opens_the_order_page_with_the_caller_masked(w: World, company: Enterprise, officer: User) -> None:
    order = w.dispatched(enterprise=company, citizen_phone="13812345678")

    page = text(client_for(officer).get(f"/orders/{order.number}/"))

    assert "13812345678" not in page
    assert "138****5678" in page


def test_it_stops_when_the_posting_ended(w: World, company: Enterprise, officer: User) -> None:
    order = w.dispatched(enterprise=company)
    LiaisonAssignment.objects.filter(officer=officer).update(ends_on=timezone.localdate() - timedelta(days=1))

    assert not visible_orders(officer).filter(pk=order.pk).exists()
    assert client_for(officer).get(f"/orders/{order.number}/").status_code == 404


def test_it_does_not_start_before_the_posting(w: World, company: Enterprise) -> None:
    later = w.person("later", "新驻企员", (w.hub, Role.LIAISON))
    LiaisonAssignment.objects.create(
        officer=later, enterprise=company, starts_on=timezone.localdate() + timedelta(days=7)
    )
    order = w.dispatched(enterprise=company)

    assert not visible_orders(later).filter(pk=order.pk).exists()


def test_the_list_is_for_liaison_officers_only(w: World) -> None:
    assert client_for(w.handler_a).get("/enterprises/mine/").status_code == 403


def test_the_officers_home_page_lists_them(w: World, company: Enterprise, officer: User) -> None:
    order = w.dispatched(enterprise=company)

    page = text(client_for(officer).get("/"))

    panel = page[page.index("我的企业诉求") :]
    assert order.number in panel[: panel.index("</ul>")]
