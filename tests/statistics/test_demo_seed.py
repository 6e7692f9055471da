from __future__ import annotations

import io

from django.core.management import call_command

from civicdesk.statistics.demo_seed import seed
from civicdesk.statistics.models import Briefing, DailyRollup
from tests.statistics.helpers import at, t
from tests.world import World


def test_the_demo_builds_the_rollups_and_one_briefing_of_each_kind_once(w: World) -> None:
    with at(t(3)):
        w.signed()
    with at(t(10, 8)):
        first = seed(None, t(10, 8))
        rows = DailyRollup.objects.count()
        second = seed(None, t(10, 8))
    assert rows > 0 and DailyRollup.objects.count() == rows
    assert sorted(Briefing.objects.values_list("kind", flat=True)) == ["daily", "monthly", "weekly"]
    assert "新写日报/周报/月报 3 份" in first[0] and "新写日报/周报/月报 0 份" in second[0]


def test_the_rebuild_command_says_what_it_did(w: World) -> None:
    with at(t(3)):
        w.signed()
    out = io.StringIO()
    call_command("rebuild_rollups", stdout=out)
    assert out.getvalue().startswith("统计日汇总已重建：") and DailyRollup.objects.exists()
