"""What a caller said (number, name, address, content) must not land in URLs, where access
logs and browser history keep it: the intake page's live suggestions and the caller history
are POSTs, and GETs carrying those fields are refused."""

from __future__ import annotations

import re

import pytest

from tests.console.helpers import client_for, order_numbers, text
from tests.world import World

pytestmark = pytest.mark.django_db

TYPED = {
    "citizen_phone": "13912345678",
    "citizen_name": "赵秀兰",
    "title": "路灯不亮",
    "content": "人民路8号门前路灯不亮",
    "address": "人民路8号",
}


@pytest.mark.parametrize("path", ["/intake/suggest", "/intake/caller", "/knowledge/intake-answers/"])
def test_live_lookups_refuse_a_get_with_caller_data(w: World, path: str) -> None:
    assert client_for(w.operator).get(path, TYPED).status_code == 405


def test_the_intake_page_posts_its_live_lookups(w: World) -> None:
    html = text(client_for(w.operator).get("/intake/new"))
    assert not re.search(r'hx-get="/intake/', html)
    suggest = re.search(r'<(\w+)[^>]*hx-post="/intake/suggest"', html)
    # Not on the multipart form itself: htmx would upload the chosen attachments on every keystroke.
    assert suggest is not None and suggest.group(1) != "form"
    assert 'hx-post="/knowledge/intake-answers/"' in html
    # htmx sends the CSRF token with every request of the console.
    assert "X-CSRFToken" in html


def test_a_posted_lookup_still_finds_the_callers_history(w: World) -> None:
    past = w.answered(citizen_phone="13912345678")
    client = client_for(w.operator)
    assert order_numbers(text(client.post("/intake/caller", {"citizen_phone": "13912345678"}))) == [past.number]
    html = text(client.post("/intake/suggest", TYPED))
    assert past.number in order_numbers(html[html.index('id="caller-history"') :])


def test_the_portal_answers_panel_refuses_a_get_with_what_the_citizen_wrote(client: object) -> None:
    assert client.get("/portal/answers", {"content": "我家门口路灯不亮，电话13912345678"}).status_code == 405  # type: ignore[attr-defined]
    assert client.post("/portal/answers", {"content": "路灯不亮"}).status_code == 200  # type: ignore[attr-defined]
