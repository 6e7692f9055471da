"""A citizen submits a request on the portal and gets the order number and a tracking link."""

from __future__ import annotations

import re

from django.test import Client

from civicdesk.orders.models import OrderEvent, WorkOrder
from civicdesk.orders.workflow import State
from tests.portal.helpers import PHONE, submit, text
from tests.world import World


def test_it_creates_a_web_order_for_the_hub_and_shows_its_number(w: World) -> None:
    client = Client()
    response = submit(client, w)
    assert response.status_code == 302
    order = WorkOrder.objects.get()
    assert response["Location"] == f"/portal/submitted/{order.number}"
    assert order.channel == "web"
    assert order.state == State.PENDING_DISPATCH
    assert order.hub == w.hub
    assert order.citizen_phone == PHONE
    assert order.category_id == w.cat_roads.parent_id  # the top-level choice; the hub refines it
    assert order.title.startswith("人民路与成山大道交叉口路灯不亮")
    assert order.wants_reply and not order.confidential
    # The same actions as every other channel: creation, then to the hub.
    assert list(OrderEvent.objects.filter(order=order).values_list("action", flat=True)) == ["create", "send_to_hub"]

    page = client.get(response["Location"])
    html = text(page)
    assert order.number in html
    assert f"/portal/track?number={order.number}" in html


def test_the_result_page_is_only_for_the_browser_that_submitted(w: World) -> None:
    response = submit(Client(), w)
    number = WorkOrder.objects.get().number
    stranger = Client().get(response["Location"])
    assert stranger.status_code == 302
    assert stranger["Location"] == f"/portal/track?number={number}"


def test_confidential_and_no_reply_choices_are_kept(w: World) -> None:
    submit(Client(), w, confidential="on", wants_reply="")
    order = WorkOrder.objects.get()
    assert order.confidential
    assert not order.wants_reply


def test_photos_are_stored_with_the_order(w: World) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    png = SimpleUploadedFile("lamp.png", b"\x89PNG\r\n\x1a\n" + b"0" * 64, content_type="image/png")
    response = submit(Client(), w, photos=png)
    assert response.status_code == 302
    order = WorkOrder.objects.get()
    assert order.attachments.count() == 1


def test_an_area_instead_of_an_address_is_enough(w: World) -> None:
    response = submit(Client(), w, address="", area=str(w.area_town.pk))
    assert response.status_code == 302
    assert WorkOrder.objects.get().area == w.area_town


def test_the_type_and_category_choices_are_in_plain_words(w: World) -> None:
    html = text(Client().get("/portal/submit"))
    assert "遇到困难需要帮忙解决" in html
    offered = set(re.findall(r'name="category" value="(\d+)"', html))
    # Top-level categories by name; never the leaves, never internal codes.
    assert offered == {str(w.cat_roads.parent_id), str(w.cat_noise.parent_id)}
    assert "城乡建设" in html and "生态环境" in html
    assert "c-cj" not in html


def test_it_goes_to_the_staffed_hub_not_an_upstream_one_above_it(w: World) -> None:
    from civicdesk.org.models import OrgUnit, UnitKind

    upstream = OrgUnit.objects.create(name="威海12345", code="wh-12345", kind=UnitKind.CENTER, is_hub=True)
    w.hub.parent = upstream
    w.hub.save()  # the subtree's paths follow
    assert submit(Client(), w).status_code == 302
    assert WorkOrder.objects.get().hub == w.hub
