"""The word-search index's function (civicdesk_order_bigrams, migration orders/0015) gives
exactly the array its first definition (orders/0014) gave, for every kind of text: the index
built with the first one stays right, and a search finds what it found before."""

from __future__ import annotations

import pytest
from django.db import connection

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="a PostgreSQL function; set DATABASE_URL=postgres://… to run"
    ),
]

# The first definition's body, as a query of its own (so both are asked of the same texts).
_EARLIER = r"""
    SELECT coalesce(array_agg(DISTINCT g), '{}'::text[])
    FROM (
        SELECT substr(t, i, 2) AS g
        FROM (SELECT lower(coalesce(%s, '') || ' ' || coalesce(%s, '') || ' ' || coalesce(%s, '')) AS t) AS s,
             generate_series(1, length(t) - 1) AS i
    ) AS grams
    WHERE g !~ '\s'
"""
TEXTS = [
    ("", "", ""),
    (None, None, None),
    ("a", "", ""),
    ("人民路路面坑洼", "人民路与成山大道交叉口南侧路面有多处坑洼，请尽快修复。", "威海市荣成市崖头街道"),
    (
        "Street Light Outages",
        "Case Closed Case Noted  no bicycle at this address. 1/6/2015.   1:45pm",
        "INTERSECTION of A St",
    ),
    ("  leading and trailing  ", "\ttabs\tand\nnew\r\nlines\x0bvertical\x0cfeed", " "),
    ("全角\u3000空格", "不换行\u00a0空格", "细\u2009空\u200a格 零宽\u200b字"),
    ("G20 峰会", "ÄÖÜ straße İstanbul ΣΊΣΥΦΟΣ", "12345热线 A2区 b9市"),
    ("x", "y", "z"),
    ("ab ab ab", "ba", "a b"),
]


def test_the_function_gives_what_its_first_definition_gave() -> None:
    given: dict[tuple[str | None, ...], list[str]] = {}
    with connection.cursor() as cursor:
        for title, content, address in TEXTS:
            cursor.execute("SELECT civicdesk_order_bigrams(%s, %s, %s)", [title, content, address])
            given[(title, content, address)] = cursor.fetchone()[0]
            cursor.execute(_EARLIER, [title, content, address])
            assert given[(title, content, address)] == cursor.fetchone()[0], (title, content, address)
    assert given[("", "", "")] == []
    assert {"坑洼", "人民", "崖头"} <= set(given[TEXTS[3]])
    assert not any(g.isspace() or " " in g or "\t" in g for g in given[TEXTS[5]])
