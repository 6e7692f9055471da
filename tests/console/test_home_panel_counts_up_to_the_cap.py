"""A home panel counts its queue as the menu's badge does, up to the badge's cap, and then
says "99+" (the cap shrunk here to three): a unit's inbox or the callback desk's queue grows with
the center, and the home page is opened all day; the exact size is on the queue's own page.
Past the cap the unit's panel still lists its most urgent orders first."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from civicdesk.console import navigation
from civicdesk.orders.models import WorkOrder
from civicdesk.org.models import User
from tests.console.helpers import client_for, order_numbers, text
from tests.world import World


def _home(user: User, language: str = "zh-hans") -> str:
    client: Client = client_for(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return text(client.get("/"))


def _panel(page: str, title: str) -> str:
    start = page.index(title)
    return page[start : page.index("</ul>", start)]


def _panel_count(page: str, title: str) -> str:
    found = re.search(r"data-queue-count>([^<]*)<", _panel(page, title))
    assert found is not None
    return found.group(1)


def _menu_badge(page: str, label: str) -> str:
    found = re.search(label + r' <span class="badge nav-count">([^<]*)</span>', page)
    return found.group(1) if found else ""


def test_a_queue_within_the_cap_shows_its_size(w: World, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(navigation, "BADGE_CAP", 3)
    for _ in range(3):
        w.awaiting_callback()
    assert _panel_count(_home(w.callback_agent), "待回访") == "3"


def test_a_queue_past_the_cap_says_so(w: World, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(navigation, "BADGE_CAP", 3)
    for _ in range(4):
        w.awaiting_callback()
    assert _panel_count(_home(w.callback_agent), "待回访") == "3+"


def test_the_unit_panel_says_what_the_menu_badge_says_in_both_languages(
    w: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(navigation, "BADGE_CAP", 3)
    for _ in range(5):
        w.dispatched()
    chinese = _home(w.handler_a)
    assert _panel_count(chinese, "本单位待办（按时限）") == "3+"
    assert _menu_badge(chinese, "承办") == "3+"
    english = _home(w.handler_a, "en")
    assert _panel_count(english, "to-do list (by deadline)") == "3+"
    assert _menu_badge(english, "Inbox") == "3+"


def test_past_the_cap_the_unit_panel_lists_the_most_urgent_orders_first(
    w: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(navigation, "BADGE_CAP", 3)
    orders = [w.dispatched() for _ in range(10)]
    # Deadlines the reverse of the order they came in: the latest order is the most urgent.
    now = timezone.now()
    for hours, order in enumerate(reversed(orders)):
        WorkOrder.objects.filter(pk=order.pk).update(handle_due_at=now + timedelta(hours=hours + 1))
    shown = order_numbers(_panel(_home(w.handler_a), "本单位待办（按时限）"))
    assert shown == [o.number for o in reversed(orders)][:8]
