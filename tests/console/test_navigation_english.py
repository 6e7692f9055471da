"""Every menu entry has its English name: a staff member who switched to English never
meets a Chinese menu item (the entries are marked for translation where they are listed)."""

from __future__ import annotations

import re

import pytest
from django.utils import translation

from civicdesk.console.navigation import items_for
from civicdesk.org.models import Role
from tests.world import World

pytestmark = pytest.mark.django_db

CJK = re.compile(r"[\u4e00-\u9fff]")


def test_every_role_sees_its_menu_in_english(w: World) -> None:
    liaison = w.person("liaison", "驻企员小林", (w.hub, Role.LIAISON))
    people = [
        w.operator,
        w.dispatcher,
        w.handler_a,
        w.head_a,
        w.callback_agent,
        w.supervisor,
        w.leader,
        w.admin,
        liaison,
    ]
    seen: set[str] = set()
    with translation.override("en"):
        for person in people:
            for item in items_for(person, "/"):
                assert not CJK.search(item["label"]), f"{person.username}: untranslated menu entry {item['label']}"
                seen.add(item["label"])
    # The admin's menu alone reaches the statistics, smart-dispatch and management pages.
    assert {"Statistics", "Manage"} <= seen


def test_the_menu_stays_chinese_by_default(w: World) -> None:
    labels = [item["label"] for item in items_for(w.admin, "/")]
    assert "首页" in labels and "智能派单" in labels
