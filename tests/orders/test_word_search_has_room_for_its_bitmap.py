"""The word search's own queries run with 16 MB of work_mem on PostgreSQL (SET LOCAL, in one
transaction): on the default 4 MB the bitmap of a common word's candidate orders turned lossy at
ten million orders and every row of a lossy page had its bigrams computed again (issue #20: 1.04 s
a page). The setting ends with the search: the other pages keep the server's (a larger work_mem
made the 办结率 drill-down's plan slower there)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from civicdesk.orders import search
from tests.console.helpers import client_for
from tests.world import World

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_search_counts_and_pages_with_room_and_leaves_the_session_as_it_was(w: World) -> None:
    if connection.vendor != "postgresql" or not search.bigram_index_available():
        pytest.skip("the bigram index and work_mem are PostgreSQL's: this run uses SQLite")
    w.new_order(title="小区停水三天", content="停水已经三天，无人处理。")
    seen: list[tuple[str, str]] = []

    def note_work_mem(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        if search.BIGRAMS_FUNCTION in sql or search.WEEK_BIGRAMS_FUNCTION in sql:
            cursor = context["cursor"]
            cursor.execute("SHOW work_mem")
            seen.append((sql[:40], cursor.fetchone()[0]))
        return execute(sql, params, many, context)

    with connection.cursor() as cursor:
        cursor.execute("SHOW work_mem")
        before = cursor.fetchone()[0]
    client = client_for(w.dispatcher)
    with connection.execute_wrapper(note_work_mem):
        response = client.get("/orders/search/", {"q": "停水"})
    assert response.status_code == 200
    assert "小区停水三天" in response.content.decode()
    # The last week's matches (the week index) and, one match being too few to fill the cap
    # in the last quarter, their count over the whole history.
    assert len(seen) == 2 and all(mem == search.SEARCH_WORK_MEM for _sql, mem in seen), seen
    with connection.cursor() as cursor:
        cursor.execute("SHOW work_mem")
        assert cursor.fetchone()[0] == before
