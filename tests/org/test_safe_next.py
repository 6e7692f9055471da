"""A form's `next` is followed only when it is a path on this site: a link elsewhere, however
written, sends the person to the page's own default instead (no open redirect)."""

from __future__ import annotations

from pathlib import Path

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


def test_every_page_that_follows_a_next_uses_the_one_check() -> None:
    # A second, hand-written check drifts (two of the three once only looked for a leading "/").
    root = Path(__file__).resolve().parents[2] / "civicdesk"
    checking = sorted(
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if "url_has_allowed_host_and_scheme" in path.read_text(encoding="utf-8")
    )
    assert checking == ["org/web.py"]
