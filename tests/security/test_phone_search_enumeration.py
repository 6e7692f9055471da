"""A unit handler who sees 138****1234 must not recover the full number by searching
prefixes; searching by phone is for those who see phones, others need the whole number,
and every phone search leaves an audit row (who, when, what)."""

from __future__ import annotations

import pytest

from civicdesk.orders.models import PHONE_SEARCH, PersonalDataAccess
from tests.console.helpers import client_for, order_numbers, text
from tests.world import World

pytestmark = pytest.mark.django_db

FULL = "13800001234"


def found(user: object, query: str) -> list[str]:
    response = client_for(user).post("/orders/search/", {"q": query})  # type: ignore[arg-type]
    assert response.status_code == 200, response.status_code
    return order_numbers(text(response))


def test_a_unit_handler_cannot_complete_a_masked_number_by_prefixes(w: World) -> None:
    order = w.signed()
    assert order.lead_unit == w.dept_a
    for prefix in ("1380", "13800", "138000", "1380000", "138000012", "1234", "001234"):
        assert found(w.handler_a, prefix) == [], prefix


def test_a_unit_handler_is_told_to_type_the_whole_number(w: World) -> None:
    w.signed()
    html = text(client_for(w.handler_a).post("/orders/search/", {"q": "1380"}))
    assert "按电话查询须输入完整号码" in html


def test_a_unit_handler_finds_their_order_by_the_whole_number(w: World) -> None:
    order = w.signed()
    assert found(w.handler_a, FULL) == [order.number]
    assert found(w.handler_a, "138-0000-1234") == [order.number]


def test_the_front_line_may_search_by_part_of_a_number(w: World) -> None:
    order = w.new_order()
    assert found(w.operator, "1380000") == [order.number]
    assert found(w.dispatcher, "1234") == [order.number]


@pytest.mark.parametrize("persona", ["handler_a", "operator"])
def test_every_phone_search_is_audited(w: World, persona: str) -> None:
    w.signed()
    user = getattr(w, persona)
    found(user, "13800")
    found(user, FULL)
    rows = list(PersonalDataAccess.objects.filter(fields=PHONE_SEARCH).order_by("pk"))
    assert [(r.user, r.query, r.order) for r in rows] == [(user, "13800", None), (user, FULL, None)]
    assert all(r.at is not None for r in rows)


def test_a_search_by_words_is_not_logged_as_a_phone_search(w: World) -> None:
    w.signed()
    client_for(w.handler_a).get("/orders/search/", {"q": "人民路"})
    assert not PersonalDataAccess.objects.exists()


def test_whole_number_guessing_is_limited_for_those_who_see_masked_numbers(w: World) -> None:
    order = w.signed()
    client = client_for(w.handler_a)
    for guess in range(30):
        client.post("/orders/search/", {"q": f"138000{guess:05d}"})
    html = text(client.post("/orders/search/", {"q": FULL}))
    assert "按电话查询过于频繁" in html
    assert order.number not in order_numbers(html)


def test_the_search_box_posts_so_a_number_never_lands_in_a_url(w: World) -> None:
    html = text(client_for(w.handler_a).get("/orders/search/"))
    assert 'id="search-form"' in html
    form = html[html.index('id="global-search"') - 600 : html.index('id="global-search"')]
    assert 'method="post"' in form
    search_form = html[html.index("<form", html.index("<h1")) : html.index('id="search-form"') + 40]
    assert 'method="post"' in search_form
    # A search by words still becomes an ordinary link.
    response = client_for(w.handler_a).post("/orders/search/", {"q": "人民路"})
    assert response.status_code == 302 and "q=%E4%BA%BA%E6%B0%91%E8%B7%AF" in response["Location"]


def test_the_intake_pages_lookups_by_phone_are_audited_once_per_number(w: World) -> None:
    client = client_for(w.operator)
    for _keystroke in range(3):
        client.post("/intake/caller", {"citizen_phone": FULL})
    client.post("/intake/suggest", {"title": "路灯", "citizen_phone": FULL})
    client.post("/intake/caller", {"citizen_phone": "13912345678"})
    rows = PersonalDataAccess.objects.filter(fields=PHONE_SEARCH, user=w.operator).order_by("pk")
    assert [r.query for r in rows] == [FULL, "13912345678"]
