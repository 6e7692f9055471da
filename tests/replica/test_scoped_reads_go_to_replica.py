"""With a replica, the statistics, the exports (in the request and in the background task) and
the search read from it; the order page, the queues and every move stay on the primary, and
the figures are the same as read from the primary."""

from __future__ import annotations

import pytest
from django.test import override_settings

from civicdesk.statistics import rollups
from civicdesk.statistics.exports import build_orders_export
from civicdesk.statistics.models import Export, ExportStatus
from tests.replica.conftest import drop_replica
from tests.replica.helpers import queries_on, signed_in, touching
from tests.statistics.helpers import at, t
from tests.world import World

pytestmark = pytest.mark.django_db(transaction=True)
NOW = t(20, 12)
MARCH = "period=month&date=2026-03-10"


def _orders(w: World) -> None:
    with at(t(2)):
        for _ in range(3):
            w.signed()
        w.new_order(title="小区停水三天")
    with at(NOW):
        rollups.run_rollup_sweep()


def test_dashboard_figures_come_from_the_replica_and_match_the_primary(w: World, replica_alias: str) -> None:
    _orders(w)
    leader = signed_in(w.leader)
    with at(NOW), queries_on("default", replica_alias) as sql:
        body = leader.get(f"/stats/api/dashboard/?{MARCH}").json()
    assert body["overview"]["accepted"]["value"] == 4
    assert [q for q in sql[replica_alias] if "statistics_" in q]
    # The primary answers the sign-in and the session only: no figure is read there.
    assert not [q for q in sql["default"] if "statistics_" in q or "orders_" in q]
    # The moment the figures were taken in, as the replica has it.
    assert body["as_of"] == "数据截至 12:00"

    drop_replica()  # the same request, without the replica
    with at(NOW):
        alone = leader.get(f"/stats/api/dashboard/?{MARCH}").json()
    assert alone["overview"] == body["overview"]


def test_order_page_queues_and_moves_stay_on_the_primary(w: World, replica_alias: str) -> None:
    order = w.pending()
    dispatcher = signed_in(w.dispatcher)
    with queries_on("default", replica_alias) as sql:
        assert dispatcher.get(f"/orders/{order.number}/").status_code == 200
        assert dispatcher.get("/orders/dispatch/").status_code == 200
        moved = dispatcher.post(
            f"/orders/{order.number}/act/void/", {"void-reason": "重复工单，已另行受理", "void-version": order.version}
        )
        assert moved.status_code == 302, moved.content.decode()
        assert dispatcher.get(f"/orders/{order.number}/").status_code == 200
    order.refresh_from_db()
    assert order.state == "void"
    assert sql[replica_alias] == []
    assert touching(sql["default"], "orders_workorder")


def test_search_reads_its_matches_from_the_replica(w: World, replica_alias: str) -> None:
    _orders(w)
    with queries_on("default", replica_alias) as sql:
        page = signed_in(w.dispatcher).get("/orders/search/?q=停水").content.decode()
    assert "小区停水三天" in page
    # The matches are read on the replica; the primary serves the page's own frame (the
    # navigation's badges of the dispatcher's queues) and the sign-in.
    assert [q for q in touching(sql[replica_alias], "orders_workorder") if "停水" in q]
    assert not [q for q in sql["default"] if "停水" in q]


@override_settings(CIVICDESK_STATS_EXPORT_INLINE_MAX=2)
def test_background_export_reads_orders_from_replica_and_keeps_its_row_on_primary(w: World, replica_alias: str) -> None:
    _orders(w)
    leader = signed_in(w.leader)
    with at(NOW):
        response = leader.get(f"/stats/export/orders/?{MARCH}&code=accepted")
    assert response.status_code == 302
    export = Export.objects.get()
    Export.objects.filter(pk=export.pk).update(status=ExportStatus.PENDING)
    with at(NOW), queries_on("default", replica_alias) as sql:
        assert build_orders_export.call(export.pk) == 4
    export.refresh_from_db()
    assert export.status == ExportStatus.READY and export.rows == 4
    assert touching(sql[replica_alias], "orders_workorder")
    assert not touching(sql[replica_alias], "statistics_export")
    assert touching(sql["default"], "statistics_export")
    assert not touching(sql["default"], "orders_workorder")


def test_inline_export_reads_orders_from_the_replica(w: World, replica_alias: str) -> None:
    _orders(w)
    with at(NOW), queries_on("default", replica_alias) as sql:
        response = signed_in(w.leader).get(f"/stats/export/orders/?{MARCH}&code=accepted")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert touching(sql[replica_alias], "orders_workorder")
    assert not touching(sql["default"], "orders_workorder")
