"""Who finds 质检 in the menu: the hub's inspectors and its leader (who decide appeals and read
the report) open the queue from there, each operator their own results; the others do not
see it, and the menu's entry opens the page for whoever sees it."""

from __future__ import annotations

import pytest
from django.utils import translation

from civicdesk.console.navigation import items_for
from tests.console.helpers import client_for
from tests.quality.helpers import inspector
from tests.world import World

pytestmark = pytest.mark.django_db


def _menu(user: object) -> dict[str, str]:
    with translation.override("zh-hans"):
        return {item["label"]: item["url"] for item in items_for(user, "/")}  # type: ignore[arg-type]


def test_inspectors_and_leaders_reach_the_quality_queue_from_the_menu(w: World) -> None:
    for person in (inspector(w), w.leader):
        menu = _menu(person)
        assert menu.get("质检") == "/quality/", (person.username, menu)
        assert client_for(person).get(menu["质检"]).status_code == 200


def test_operators_reach_their_own_results_and_the_others_no_quality_entry(w: World) -> None:
    assert _menu(w.operator).get("我的质检") == "/quality/mine"
    assert "质检" not in _menu(w.operator)
    for person in (w.dispatcher, w.supervisor, w.callback_agent, w.handler_a, w.admin):
        assert not {"质检", "我的质检"} & set(_menu(person)), person.username
