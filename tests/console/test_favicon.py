"""Browsers ask for /favicon.ico whatever the page says: it is served, not a 404."""

from __future__ import annotations

from django.test import Client


def test_the_favicon_is_served(db: None) -> None:
    response = Client().get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    assert b"".join(response.streaming_content)[:4] == b"\x00\x00\x01\x00"  # an ICO file
