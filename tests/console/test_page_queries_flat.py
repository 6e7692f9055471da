"""Each role's main pages issue the same number of queries whatever the number of orders in
their lists (no query per row); the order page as many for a long history as for a short
one; the menu badge stops counting at its cap (it is drawn on every page; issue #20)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from civicdesk.catalogue.models import Area, AreaKind, Category, DispatchRule
from civicdesk.console import navigation
from civicdesk.orders import actions
from civicdesk.org.models import User
from civicdesk.routing import gazetteer, suggestions
from tests.world import World


@pytest.fixture(autouse=True)
def _lookups_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    """The dispatch model's and the gazetteer's per-process look-ups reload every 10-60 s; on a
    machine slow enough for a page to take seconds both of two requests could pay a reload. Kept
    for the test's length, the count is the page's own."""
    monkeypatch.setattr(gazetteer, "_TTL", 3600.0)
    monkeypatch.setattr(suggestions, "_TTL", 3600.0)
    monkeypatch.setattr(suggestions, "_NO_MODEL_TTL", 3600.0)


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _queries(client: Client, path: str) -> int:
    client.get(path)  # first view: sessions, caches
    counts = []
    # The fewer of two: whatever else a request may load once in a while (a session's renewal)
    # adds a query to one of them, not to both.
    for _ in range(2):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
        assert response.status_code == 200, path
        counts.append(len(captured.captured_queries))
    return min(counts)


def _orders(w: World, n: int) -> None:
    """n more orders in every queue the pages show: waiting for dispatch, at dept_a (one of them
    with an assisting part of dept_b), replied, awaiting a callback, flagged and overdue."""
    for _ in range(n):
        w.pending()
        signed = w.signed()
        actions.supervise(signed, actor=w.supervisor, note="请加快办理")
        w.joint(w.dept_b)
        w.replied()
        w.awaiting_callback()


def _pages(w: World) -> list[tuple[User, str]]:
    return [
        (w.dispatcher, "/"),
        (w.dispatcher, "/orders/dispatch/"),
        (w.dispatcher, "/orders/dispatch/?tab=replies"),
        (w.dispatcher, f"/orders/dispatch/?category={w.cat_roads.pk}&urgency=normal"),
        (w.handler_a, "/"),
        (w.handler_a, "/orders/inbox/"),
        (w.handler_a, "/orders/inbox/?tab=sign"),
        (w.handler_a, "/orders/inbox/?tab=handling&status=overdue"),
        (w.handler_b, "/orders/inbox/?tab=assist"),
        (w.head_a, "/orders/inbox/"),
        (w.callback_agent, "/orders/callbacks/"),
        (w.supervisor, "/"),
        (w.supervisor, "/orders/supervision/"),
        (w.supervisor, "/orders/supervision/?list=flagged"),
        (w.supervisor, f"/orders/supervision/?list=notices&unit={w.dept_a.pk}"),
        (w.dispatcher, "/orders/search/?q=坑洼"),
    ]


def test_list_pages_issue_as_many_queries_for_many_orders_as_for_few(w: World) -> None:
    # Two of each already: the look-ups a second order brings (a repeated caller) are in both.
    _orders(w, 2)
    few = {(user.username, path): _queries(_client(user), path) for user, path in _pages(w)}
    _orders(w, 2)
    many = {(user.username, path): _queries(_client(user), path) for user, path in _pages(w)}
    # Never more with more rows (a page may skip a look-up once a list is long enough).
    grown = {page: (few[page], many[page]) for page in few if many[page] > few[page]}
    assert grown == {}


def _pending_of_new_kinds(w: World, n: int) -> list[str]:
    """n orders waiting for dispatch, each of a category and an area no other order has: the
    board suggests a unit for each (category, area) on its page."""
    start = Category.objects.count()
    notes = []
    for i in range(start, start + n):
        category = Category.objects.create(name=f"路灯故障{i}", code=f"c-cj-dl-ld{i}", parent=w.cat_roads)
        area = Area.objects.create(name=f"新建社区{i}", code=f"a-yt-x{i}", kind=AreaKind.COMMUNITY, parent=w.area_town)
        DispatchRule.objects.create(category=category, area=area, unit=w.dept_b, note=f"第{i}号规则")
        w.pending(category=category, area=area)
        notes.append(f"第{i}号规则")
    return notes


def test_dispatch_board_suggests_every_row_in_as_many_queries_for_many_kinds_as_for_few(w: World) -> None:
    notes = _pending_of_new_kinds(w, 2)
    client = _client(w.dispatcher)
    few = _queries(client, "/orders/dispatch/")
    notes += _pending_of_new_kinds(w, 6)
    html = client.get("/orders/dispatch/").content.decode()
    # Every row still shows the suggestion of its own rule.
    assert [note for note in notes if note not in html] == []
    assert _queries(client, "/orders/dispatch/") <= few


def test_order_page_issues_as_many_queries_for_a_long_history_as_for_a_short_one(w: World) -> None:
    order = w.signed()
    actions.supervise(order, actor=w.supervisor, note="请加快办理")
    short = {
        u.username: _queries(_client(u), f"/orders/{order.number}/") for u in (w.dispatcher, w.handler_a, w.supervisor)
    }
    for _ in range(3):
        actions.supervise(order, actor=w.supervisor, note="请加快办理")
        actions.urge(order, actor=w.operator, note="来电催办")
    long = {
        u.username: _queries(_client(u), f"/orders/{order.number}/") for u in (w.dispatcher, w.handler_a, w.supervisor)
    }
    assert long == short


def test_menu_badge_says_cap_plus_past_the_cap(w: World, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(navigation, "BADGE_CAP", 2)
    w.pending()
    w.pending()
    html = _client(w.dispatcher).get("/").content.decode()
    assert '<span class="badge nav-count">2</span>' in html
    w.pending()
    html = _client(w.dispatcher).get("/").content.decode()
    assert '<span class="badge nav-count">2+</span>' in html


def _requests_and_notices(w: World, n: int) -> None:
    """n more orders in each review queue of the board, and of the inbox's and supervision's
    other lists: units' requests (return, extension, suspension), consultations, objections,
    leaders' instructions and formal supervision notices."""
    for _ in range(n):
        w.return_requested()
        w.extension_requested()
        w.suspension_requested()
        w.consulting()
        w.objection_review()
        w.instructed()
        w.noticed()


def _review_pages(w: World) -> list[tuple[User, str]]:
    return [
        (w.dispatcher, "/orders/dispatch/?tab=returns"),
        (w.dispatcher, "/orders/dispatch/?tab=extensions"),
        (w.dispatcher, "/orders/dispatch/?tab=suspensions"),
        (w.dispatcher, "/orders/dispatch/?tab=consultations"),
        (w.handler_a, "/orders/inbox/?tab=review"),
        (w.handler_a, "/orders/inbox/?tab=instructions"),
        (w.handler_a, "/orders/inbox/?tab=notices"),
        (w.supervisor, "/orders/supervision/?list=objections"),
        (w.supervisor, "/orders/supervision/?list=formal"),
    ]


def test_review_queues_and_other_lists_issue_as_many_queries_for_many_orders_as_for_few(w: World) -> None:
    # Each row of these lists draws a form, the unit's request or the order's notice.
    _requests_and_notices(w, 2)
    few = {(user.username, path): _queries(_client(user), path) for user, path in _review_pages(w)}
    _requests_and_notices(w, 2)
    many = {(user.username, path): _queries(_client(user), path) for user, path in _review_pages(w)}
    grown = {page: (few[page], many[page]) for page in few if many[page] > few[page]}
    assert grown == {}
