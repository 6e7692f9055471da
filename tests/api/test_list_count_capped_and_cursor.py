"""GET /orders never counts a hub's whole history: the count stops at a cap (count_capped
says there are more), and next_cursor pages on from the last order of a page, newest first,
without repeats or gaps even when orders arrive between two pages."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from civicdesk.api import api as api_module


def _numbers(body: dict) -> list[str]:
    return [o["number"] for o in body["results"]]


def test_the_count_stops_at_the_cap(w, as_user, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(api_module, "COUNT_CAP", 3)
    for _ in range(5):
        w.new_order()
    hub = as_user(w.dispatcher)
    with CaptureQueriesContext(connection) as queries:
        body = hub.get("/orders", {"page_size": 2}).json()
    assert (body["count"], body["count_capped"], body["pages"]) == (3, True, 2)
    counts = [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]
    assert counts and all("LIMIT" in sql.upper() for sql in counts), counts


def test_below_the_cap_the_count_is_exact(w, as_user) -> None:
    for _ in range(2):
        w.new_order()
    body = as_user(w.dispatcher).get("/orders").json()
    assert (body["count"], body["count_capped"], body["next_cursor"]) == (2, False, None)


def test_the_cursor_walks_every_order_once_newest_first(w, as_user) -> None:
    made = [w.new_order() for _ in range(5)]
    hub = as_user(w.dispatcher)
    first = hub.get("/orders", {"page_size": 2}).json()
    seen = _numbers(first)
    # An order taken in while the caller pages does not shift the pages after the first.
    w.new_order()
    cursor = first["next_cursor"]
    while cursor:
        body = hub.get("/orders", {"page_size": 2, "cursor": cursor}).json()
        seen += _numbers(body)
        cursor = body["next_cursor"]
    assert seen == [o.number for o in reversed(made)]


def test_a_cursor_keeps_the_filters(w, as_user) -> None:
    dispatched = [w.dispatched() for _ in range(3)]
    w.new_order()
    hub = as_user(w.dispatcher)
    first = hub.get("/orders", {"page_size": 2, "state": "dispatched"}).json()
    rest = hub.get("/orders", {"page_size": 2, "state": "dispatched", "cursor": first["next_cursor"]}).json()
    assert _numbers(first) + _numbers(rest) == [o.number for o in reversed(dispatched)]
    assert rest["next_cursor"] is None


def test_a_bad_cursor_is_422(w, as_user) -> None:
    response = as_user(w.dispatcher).get("/orders", {"cursor": "not-a-cursor"})
    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"
    assert "cursor" in response.json()["fields"]
