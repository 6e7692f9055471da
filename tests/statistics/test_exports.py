from __future__ import annotations

import io

from django.test import Client, override_settings
from openpyxl import load_workbook

from civicdesk.orders.models import WorkOrder
from civicdesk.statistics import rollups
from civicdesk.statistics.exports import build_orders_export
from civicdesk.statistics.models import Export, ExportStatus
from tests.statistics.helpers import at, t
from tests.world import World

NOW = t(20, 12)
MARCH = "period=month&date=2026-03-10"


def _orders(w: World) -> None:
    with at(t(2)):
        for _ in range(3):
            w.signed()
        w.new_order(citizen_phone="13912345678", confidential=True)


def _client(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def test_a_small_export_comes_at_once_with_masked_phones(w: World) -> None:
    _orders(w)
    with at(NOW):
        response = _client(w.leader).get(f"/stats/export/orders/?{MARCH}&code=accepted")
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[1][0] == "工单编号" and len(rows) == 2 + 4
    phones = {row[14] for row in rows[2:]}
    # The leader sees masked numbers, as on the order page.
    assert "138****1234" in phones and "13800001234" not in phones
    # Channel, type, urgency and state read as the order page names them.
    shown = {(row[2], row[3], row[4], row[8]) for row in rows[2:]}
    assert shown == {
        (o.get_channel_display(), o.get_request_type_display(), o.get_urgency_display(), o.get_state_display())
        for o in WorkOrder.objects.all()
    }
    assert ("12345热线电话", "投诉", "一般", "已签收") in shown


@override_settings(CIVICDESK_STATS_EXPORT_INLINE_MAX=2)
def test_a_large_export_is_built_in_the_background_for_the_requester_only(w: World) -> None:
    _orders(w)
    client = _client(w.leader)
    with at(NOW):
        response = client.get(f"/stats/export/orders/?{MARCH}&code=accepted")
    assert response.status_code == 302 and response["Location"] == "/stats/exports/"
    export = Export.objects.get()
    # The test settings run tasks at once (immediate backend) or the worker does; run it here if still pending.
    export.refresh_from_db()
    if export.status == ExportStatus.PENDING:
        build_orders_export.call(export.pk)
        export.refresh_from_db()
    assert export.status == ExportStatus.READY and export.rows == 4
    download = client.get(f"/stats/exports/{export.pk}/")
    assert download.status_code == 200
    assert _client(w.dispatcher).get(f"/stats/exports/{export.pk}/").status_code == 404
    assert "下载" in client.get("/stats/exports/").content.decode()


def test_a_dashboard_table_exports_with_its_numbers(w: World) -> None:
    _orders(w)
    with at(NOW):
        rollups.run_rollup_sweep()
        response = _client(w.leader).get(f"/stats/export/table/?{MARCH}&table=overview")
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[2][:4] == ("受理量", 4, 4, None)
