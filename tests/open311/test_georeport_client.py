"""The PyPI client `georeport` (read calls only) against a live server, in both formats."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.db import connection

from civicdesk.open311.models import ServiceAttribute
from tests.world import World

georeport = pytest.importorskip("georeport", reason="the georeport client is not installed")


@pytest.fixture
def served(
    w: World, live_server: Any, attributes: list[ServiceAttribute], monkeypatch: pytest.MonkeyPatch
) -> dict[str, Any]:
    # A server thread may outlive its request (HTTP keep-alive); with persistent database
    # connections it would still hold one when the PostgreSQL test database is dropped.
    monkeypatch.setitem(connection.settings_dict, "CONN_MAX_AGE", 0)
    closed = w.closed()
    pending = w.pending(category=w.cat_noise)
    return {"url": live_server.url + "/open311/v2", "closed": closed, "pending": pending}


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_georeport_reads_everything(served: dict[str, Any], fmt: str) -> None:
    client = georeport.GeoReport(served["url"], output_format=fmt)
    closed, pending = served["closed"], served["pending"]

    services = client.get_service_list()
    assert {s["service_code"] for s in services} == {"c-cj-dl-ph", "c-hj-zs"}

    definition = client.get_service_definition("c-cj-dl-ph")
    assert definition["service_code"] == "c-cj-dl-ph"
    attributes = definition["attributes"] if fmt == "json" else definition["attributes"]["attribute"]
    assert [a["code"] for a in attributes][:2] == ["size", "depth"]

    everything = client.get_service_requests()
    assert [r["service_request_id"] for r in everything] == [pending.number, closed.number]

    only_closed = client.get_service_requests(status="closed")
    only_closed = [only_closed] if isinstance(only_closed, dict) else only_closed  # xmltodict: one → a dict
    assert [r["service_request_id"] for r in only_closed] == [closed.number]

    noise = client.get_service_requests(service_code="c-hj-zs")
    noise = [noise] if isinstance(noise, dict) else noise
    assert [r["service_request_id"] for r in noise] == [pending.number]
    if fmt == "json":
        # (In XML an empty <service_requests/> makes georeport 0.3.1 itself fail: it indexes None.)
        assert client.get_service_requests(start_date="2000-01-01T00:00:00Z", end_date="2000-03-01T00:00:00Z") == []

    by_id = client.get_service_requests(service_request_id=f"{closed.number},{pending.number}")
    assert len(by_id) == 2

    one = client.get_service_request(closed.number)
    assert one["service_request_id"] == closed.number and one["status"] == "closed"
    assert one["agency_responsible"] == "市住房和城乡建设局"


def test_georeport_raises_on_a_missing_request(served: dict[str, Any]) -> None:
    import requests

    client = georeport.GeoReport(served["url"])
    with pytest.raises(requests.HTTPError) as caught:
        client.get_service_request("nope")
    assert caught.value.response.status_code == 404
    assert json.loads(caught.value.response.content)[0]["code"] == 404
