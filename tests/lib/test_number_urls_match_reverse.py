"""A list's links made from one reversal (civicdesk.lib.reversing.number_url) are the links
`{% url %}` makes, for every number an order can carry (ours, an upstream platform's)."""

from __future__ import annotations

import pytest
from django.urls import NoReverseMatch, reverse

from civicdesk.lib.reversing import number_url


@pytest.mark.parametrize("number", ["2026120700001", "SD-2026-0001", "鲁12345-7", "a b&c?d#e%f", "x:y@z~1"])
@pytest.mark.parametrize("name", ["orders:detail", "orders:callback"])
def test_each_row_gets_the_link_reverse_gives(name: str, number: str) -> None:
    assert number_url(name, number) == reverse(name, args=[number])


def test_a_value_the_pattern_refuses_is_refused_the_same_way() -> None:
    with pytest.raises(NoReverseMatch):
        number_url("orders:detail", "a/b")
