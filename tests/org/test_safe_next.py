"""A form's `next` is followed only when it is a path on this site: a link elsewhere, however
written, sends the person to the page's own default instead (no open redirect)."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from civicdesk.org.web import safe_next


@pytest.mark.parametrize("nxt", ["/orders/inbox?tab=due", "/orders/2026010100001"])
def test_a_path_on_this_site_is_followed(nxt: str) -> None:
    request = RequestFactory().post("/x", {"next": nxt})
    assert safe_next(request, "/fallback") == nxt


@pytest.mark.parametrize(
    "nxt",
    ["//evil.example/", "/\\evil.example", "https://evil.example/", "javascript:alert(1)", "evil.example", ""],
)
def test_anything_else_falls_back(nxt: str) -> None:
    request = RequestFactory().post("/x", {"next": nxt})
    assert safe_next(request, "/fallback") == "/fallback"


def test_next_may_come_with_the_link() -> None:
    request = RequestFactory().get("/x", {"next": "/orders/supervision"})
    assert safe_next(request, "/fallback") == "/orders/supervision"
