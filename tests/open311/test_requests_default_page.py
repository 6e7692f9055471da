"""requests.json without page_size returns a page of DEFAULT_PAGE_SIZE (the standard lets a
server cap what one response returns), says where the next page is in a Link header, and
the JSON and XML of the same page agree."""

from __future__ import annotations

import pytest
from django.test import Client

from civicdesk.open311 import views
from tests.open311.helpers import BASE, assert_same, get_json, get_xml
from tests.world import World


def test_the_default_page_is_small_and_links_to_the_next(
    w: World, client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(views, "DEFAULT_PAGE_SIZE", 2)
    orders = [w.new_order() for _ in range(5)]
    newest_first = [o.number for o in reversed(orders)]
    response = client.get(BASE + "/requests.json")
    assert [r["service_request_id"] for r in response.json()] == newest_first[:2]
    link = response["Link"]
    assert link.endswith('; rel="next"') and "page=2" in link
    seen: list[str] = []
    url = BASE + "/requests.json"
    while url:
        response = client.get(url)
        seen += [r["service_request_id"] for r in response.json()]
        url = response["Link"].split(">")[0].lstrip("<").removeprefix("http://testserver") if "Link" in response else ""
    assert seen == newest_first


def test_a_client_may_still_ask_for_more_up_to_the_cap(w: World, client: Client, monkeypatch) -> None:
    monkeypatch.setattr(views, "DEFAULT_PAGE_SIZE", 2)
    for _ in range(3):
        w.new_order()
    assert len(get_json(client, "/requests", page_size="3")) == 3
    assert "Link" not in client.get(BASE + "/requests.json", {"page_size": "3"})


def test_json_and_xml_list_the_same_requests(w: World, client: Client) -> None:
    w.new_order()
    w.answered()
    w.dispatched()
    for params in ({}, {"extensions": "true"}, {"page_size": "2", "page": "2"}):
        body = get_json(client, "/requests", **params)
        assert body
        assert_same(body, get_xml(client, "/requests", **params))


def test_status_notes_is_the_last_public_note(w: World, client: Client) -> None:
    order = w.signed()
    plain = get_json(client, "/requests")[0]
    extended = get_json(client, "/requests", extensions="true")[0]
    assert plain["service_request_id"] == order.number
    assert plain["status_notes"] == extended["notes"][-1]["description"]
