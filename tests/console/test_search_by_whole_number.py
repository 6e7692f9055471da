"""A whole phone number finds the caller's orders however the number was typed, on either
side (spaces, dashes); part of a number still works for the front line."""

from __future__ import annotations

import pytest

from tests.console.helpers import client_for, order_numbers, text
from tests.world import World

pytestmark = pytest.mark.django_db


def found(user: object, query: str) -> list[str]:
    response = client_for(user).post("/orders/search/", {"q": query})  # type: ignore[arg-type]
    assert response.status_code == 200
    return order_numbers(text(response))


def test_a_number_stored_with_dashes_is_found_by_its_digits(w: World) -> None:
    landline = w.dispatched(citizen_phone="0631-5201234")
    mobile = w.dispatched(citizen_phone="138 0000 5678")
    assert found(w.handler_a, "06315201234") == [landline.number]
    assert found(w.handler_a, "0631 520 1234") == [landline.number]
    assert found(w.dispatcher, "13800005678") == [mobile.number]
    assert found(w.dispatcher, "138-0000-5678") == [mobile.number]


def test_a_whole_number_is_not_a_part_of_a_longer_one(w: World) -> None:
    mine = w.new_order(citizen_phone="13800005678")
    w.new_order(citizen_phone="13800005679")
    assert found(w.dispatcher, "13800005678") == [mine.number]


def test_the_front_line_finds_by_part_of_a_number(w: World) -> None:
    a = w.new_order(citizen_phone="13800005678")
    b = w.new_order(citizen_phone="0631-5205678")
    assert set(found(w.dispatcher, "5678")) == {a.number, b.number}
    assert found(w.dispatcher, "0000567") == [a.number]
