"""Callers' personal data: masked for units, full for the hub's front line, revealing is
logged, and a confidential caller stays hidden from the handling unit everywhere."""

from __future__ import annotations

import pytest

from civicdesk.orders.models import PersonalDataAccess, WorkOrder
from civicdesk.org.models import Role
from tests.console.helpers import client_for, order_numbers, text
from tests.world import World

pytestmark = pytest.mark.django_db

FULL = "13800001234"
MASKED = "138****1234"


def contact(user: object, order: WorkOrder) -> str:
    html = text(client_for(user).get(f"/orders/{order.number}/"))  # type: ignore[arg-type]
    return html[html.index('id="contact"') : html.index("</dd>", html.index('id="contact"'))]


@pytest.mark.parametrize("persona", ["handler_a", "head_a", "supervisor", "leader"])
def test_it_masks_the_phone_for_those_who_do_not_call_the_citizen(w: World, persona: str) -> None:
    order = w.signed()
    shown = contact(getattr(w, persona), order)
    assert MASKED in shown
    assert FULL not in shown
    assert "王*" in shown and "王先生" not in shown
    assert "查看完整信息" in shown


@pytest.mark.parametrize("persona", ["operator", "dispatcher", "callback_agent"])
def test_it_shows_the_full_phone_to_the_hubs_front_line(w: World, persona: str) -> None:
    order = w.signed()
    shown = contact(getattr(w, persona), order)
    assert FULL in shown and "王先生" in shown
    assert "查看完整信息" not in shown


def test_it_logs_revealing_the_phone_and_then_shows_it(w: World) -> None:
    order = w.signed()
    response = client_for(w.handler_a).post(f"/orders/{order.number}/reveal/")
    assert response.status_code == 200
    html = text(response)
    assert FULL in html and "王先生" in html
    access = PersonalDataAccess.objects.get()
    assert (access.order, access.user) == (order, w.handler_a)
    assert "citizen_phone" in access.fields
    # Revealing is for that one look; the page masks the number again afterwards.
    assert MASKED in contact(w.handler_a, order)


def test_it_reveals_only_by_post(w: World) -> None:
    order = w.signed()
    assert client_for(w.handler_a).get(f"/orders/{order.number}/reveal/").status_code == 405
    assert not PersonalDataAccess.objects.exists()


def confidential(w: World) -> WorkOrder:
    return w.signed(confidential=True, citizen_name="赵女士", citizen_phone="13955556666")


def test_it_never_shows_a_confidential_caller_on_the_units_order_page(w: World) -> None:
    order = confidential(w)
    for user in (w.handler_a, w.head_a):
        html = text(client_for(user).get(f"/orders/{order.number}/"))
        assert "（保密）" in html
        for leak in ("13955556666", "139****6666", "赵女士", "赵*", "查看完整信息"):
            assert leak not in html, leak
    # The hub still sees who called.
    assert "13955556666" in contact(w.dispatcher, order)


def test_it_refuses_to_reveal_a_confidential_caller(w: World) -> None:
    order = confidential(w)
    response = client_for(w.handler_a).post(f"/orders/{order.number}/reveal/")
    assert response.status_code == 404
    assert "13955556666" not in text(response)
    assert not PersonalDataAccess.objects.exists()


def test_it_does_not_find_a_confidential_order_by_the_callers_phone(w: World) -> None:
    order = confidential(w)
    client = client_for(w.handler_a)
    for query in ("13955556666", "5556666"):
        assert order_numbers(text(client.get("/orders/search/", {"q": query}))) == [], query
    # By number or by its words the unit finds it: it is theirs to handle.
    assert order_numbers(text(client.get("/orders/search/", {"q": order.number}))) == [order.number]
    assert order_numbers(text(client.get("/orders/search/", {"q": "人民路"}))) == [order.number]
    # The hub finds it by phone.
    assert order_numbers(text(client_for(w.dispatcher).get("/orders/search/", {"q": "13955556666"}))) == [order.number]


def test_it_does_not_link_a_confidential_order_to_the_callers_other_orders(w: World) -> None:
    secret = w.signed(confidential=True, citizen_phone="13955556666", title="举报某餐馆")
    public = w.signed(citizen_phone="13955556666", title="门前路面坑洼")
    html = text(client_for(w.handler_a).get(f"/orders/{public.number}/"))
    assert secret.number not in html
    assert public.number in text(client_for(w.dispatcher).get(f"/orders/{secret.number}/"))


def test_it_keeps_a_confidential_caller_out_of_the_intake_history(w: World) -> None:
    # A town official who also files requests for the companies she looks after (驻企员)
    # sees the town's orders, but not who called in confidence.
    secret = w.dispatched(confidential=True, citizen_phone="13955556666", title="举报某餐馆")
    from civicdesk.orders import actions

    secret = actions.redispatch(secret, actor=w.dispatcher, lead_unit=w.town, reason="属地办理")
    open_one = w.new_order(citizen_phone="13955556666", title="门前路面坑洼")
    actions.dispatch(open_one, actor=w.dispatcher, lead_unit=w.town)
    official = w.person("liaison_town", "街道驻企员", (w.town, Role.HANDLER), (w.hub, Role.LIAISON))
    client = client_for(official)
    assert client.get(f"/orders/{secret.number}/").status_code == 200  # the town handles it
    for response in (
        client.get("/intake/new", {"caller": "13955556666"}),
        client.post("/intake/caller", {"citizen_phone": "13955556666"}),
        client.post("/intake/suggest", {"title": "举报", "citizen_phone": "13955556666"}),
    ):
        assert response.status_code == 200
        numbers = order_numbers(text(response))
        assert secret.number not in numbers
        assert open_one.number in numbers
