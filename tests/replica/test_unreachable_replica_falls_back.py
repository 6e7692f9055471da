"""A replica that cannot be reached, or that is too far behind, is not used: the figures come
from the primary, with a warning in the log, instead of a server error; it is tried again only
after CIVICDESK_REPLICA_RETRY seconds."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from django.db import connections

from civicdesk.lib import replica
from civicdesk.statistics import rollups
from tests.replica.conftest import add_replica, drop_replica
from tests.replica.helpers import queries_on, signed_in, touching
from tests.statistics.helpers import at, t
from tests.world import World

pytestmark = pytest.mark.django_db(transaction=True)
NOW = t(20, 12)
MARCH = "period=month&date=2026-03-10"


@pytest.fixture
def broken_replica(transactional_db: None, tmp_path: object) -> Iterator[str]:
    if connections["default"].vendor == "postgresql":
        # Nothing listens on port 1 of the loopback: the connection is refused at once.
        add_replica(HOST="127.0.0.1", PORT="1", OPTIONS={"connect_timeout": 2})
    else:
        add_replica(NAME=f"{tmp_path}/no-such-directory/replica.sqlite3")
    yield replica.REPLICA
    drop_replica()


def _orders(w: World) -> None:
    with at(t(2)):
        for _ in range(3):
            w.signed()
    with at(NOW):
        rollups.run_rollup_sweep()


def test_statistics_answer_from_the_primary_with_a_warning(
    w: World, broken_replica: str, caplog: pytest.LogCaptureFixture
) -> None:
    _orders(w)
    leader = signed_in(w.leader)
    with caplog.at_level(logging.WARNING, logger="civicdesk.lib.replica"), at(NOW):
        with queries_on("default") as sql:
            response = leader.get(f"/stats/api/dashboard/?{MARCH}")
        again = leader.get(f"/stats/api/dashboard/?{MARCH}")
    assert response.status_code == 200 and again.status_code == 200
    assert response.json()["overview"]["accepted"]["value"] == 3
    assert [q for q in sql["default"] if "statistics_" in q or "orders_" in q]
    warnings = [r.getMessage() for r in caplog.records if r.name == "civicdesk.lib.replica"]
    # Once: the second request does not wait for the broken replica again.
    assert len(warnings) == 1 and "replica cannot be reached" in warnings[0]


def test_search_and_export_work_while_the_replica_is_down(w: World, broken_replica: str) -> None:
    _orders(w)
    w.new_order(title="路灯不亮")
    with at(NOW):
        assert "路灯不亮" in signed_in(w.dispatcher).get("/orders/search/?q=路灯").content.decode()
        export = signed_in(w.leader).get(f"/stats/export/orders/?{MARCH}&code=accepted")
    assert export.status_code == 200


def test_a_replica_too_far_behind_is_not_read(
    w: World, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, settings: object
) -> None:
    add_replica()
    try:
        _orders(w)
        settings.CIVICDESK_REPLICA_MAX_LAG = 60  # type: ignore[attr-defined]
        monkeypatch.setattr(replica, "_lag", lambda connection: 600.0)
        logged = caplog.at_level(logging.WARNING, logger="civicdesk.lib.replica")
        with logged, at(NOW), queries_on("default", replica.REPLICA) as sql:
            body = signed_in(w.leader).get(f"/stats/api/dashboard/?{MARCH}").json()
        assert body["overview"]["accepted"]["value"] == 3
        assert not touching(sql[replica.REPLICA], "orders_workorder")
        assert any("600 s behind" in r.getMessage() for r in caplog.records)
    finally:
        drop_replica()
