"""The 日报 / 月报 name the period's hotspots (a section the hotspots app registers with the
briefings, which import nothing of it)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from civicdesk.statistics.briefings import compose, sections
from civicdesk.statistics.models import BriefingKind
from tests.hotspots.helpers import call_in
from tests.world import World

pytestmark = pytest.mark.django_db


def test_the_daily_briefing_names_the_days_hotspots(w: World, django_capture_on_commit_callbacks) -> None:
    call_in(w, django_capture_on_commit_callbacks, 4)
    today = timezone.localdate()
    doc = compose(BriefingKind.DAILY, today, today)
    assert "本期热点1个" in doc["hot"] and "幸福里小区" in doc["hot"]
    table = next(s for s in sections(doc) if s["title"] == "热点")
    assert table["heading"].endswith("热点")
    assert len(table["rows"]) == 1
    name, place, orders, callers = table["rows"][0][:4]
    assert "幸福里小区" in name and place == "幸福里小区" and (orders, callers) == (4, 4)
    assert "热度 =" in table["note"]


def test_a_month_without_hotspots_says_so(w: World) -> None:
    today = timezone.localdate()
    doc = compose(BriefingKind.MONTHLY, today.replace(day=1), today)
    table = next(s for s in sections(doc) if s["title"] == "热点")
    assert table["rows"] == []
    assert "本期热点" not in doc["hot"]
