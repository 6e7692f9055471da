"""Moments given to the REST API must be ISO 8601 date-times: a number such as
`updated_after=0.5` (which pydantic would read as a Unix timestamp, 1970) is refused with a
422 naming the parameter; Open311's date filters refuse it with a 400."""

from __future__ import annotations

import pytest
from django.test import Client

from civicdesk.open311.keys import create_client
from tests.security.api_caller import caller
from tests.world import World


@pytest.mark.parametrize("field", ["updated_after", "created_after", "created_before"])
@pytest.mark.parametrize("value", ["0.5", "1700000000", "-1", "yesterday"])
def test_rest_filters_refuse_numbers(w: World, field: str, value: str) -> None:
    response = caller(w.dispatcher).get("/orders", {field: value})
    assert response.status_code == 422, response.content
    assert field in response.json()["fields"] and "ISO 8601" in response.json()["fields"][field]


def test_rest_filters_take_iso_moments(w: World) -> None:
    w.new_order()
    dispatcher = caller(w.dispatcher)
    for value in ("2026-01-01", "2026-01-01T08:30:00+08:00", "2000-01-01T00:00:00Z"):
        response = dispatcher.get("/orders", {"updated_after": value})
        assert response.status_code == 200, (value, response.content)


def test_call_event_time_must_be_a_moment(w: World) -> None:
    response = caller(w.operator).post(
        "/calls/events", {"call_id": "c1", "event": "ringing", "phone": "13800001234", "at": 1700000000}
    )
    assert response.status_code == 422 and "at" in response.json()["fields"]


def test_open311_refuses_numbers_as_dates(w: World) -> None:
    create_client("随手拍", w.hub)
    response = Client().get("/open311/v2/requests.json", {"start_date": "0.5"})
    assert response.status_code == 400
    assert "start_date" in response.json()[0]["description"]
