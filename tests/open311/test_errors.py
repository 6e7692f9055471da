from __future__ import annotations

import pytest
from django.test import Client

from civicdesk.open311 import publish
from tests.open311.helpers import BASE, errors_of
from tests.world import World


@pytest.mark.parametrize("path", ["/open311/v2/nothing.json", "/open311/v2/requests/1/extra.json", "/open311/x"])
def test_unknown_addresses_are_404_in_the_standard_shape(w: World, client: Client, path: str) -> None:
    response = client.get(path)
    errors_of(response, 404)
    expected = "application/json" if path.endswith(".json") else "text/xml"
    assert response["Content-Type"].startswith(expected)


def test_unsupported_methods_are_400(w: World, client: Client) -> None:
    errors_of(client.delete(f"{BASE}/requests.json"), 400)
    errors_of(client.post(f"{BASE}/services.xml"), 400)


def test_an_unknown_jurisdiction_is_404(w: World, client: Client) -> None:
    errors_of(client.get(f"{BASE}/services.json", {"jurisdiction_id": "mars"}), 404)


def test_a_failure_inside_is_a_400_list_without_a_trace(
    w: World, client: Client, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken() -> list[object]:
        raise RuntimeError("database on fire")

    monkeypatch.setattr(publish, "services", broken)
    for fmt in ("json", "xml"):
        response = client.get(f"{BASE}/services.{fmt}")
        errors_of(response, 400)
        assert b"database on fire" not in response.content
    assert "database on fire" in caplog.text
