"""The 日报 reads as a center's own report: a lead paragraph with the day's figures and their
change, the hot issues, overdue orders by unit, then the tables; no setting names, no doubled
punctuation, the unit column never blank. The 月报 adds the unit ranking."""

from __future__ import annotations

import re

from django.test import Client

from civicdesk.statistics.briefings import _change, run_briefings
from civicdesk.statistics.models import Briefing
from civicdesk.statistics.rollups import run_rollup_sweep
from tests.statistics.helpers import at, t
from tests.world import World


def _page(w: World, briefing: Briefing) -> str:
    client = Client()
    client.force_login(w.leader)
    return client.get(f"/stats/briefings/{briefing.pk}/").content.decode()


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_daily_report_leads_with_the_days_figures_and_their_change(w: World) -> None:
    with at(t(9, 10)):  # Monday: one order
        w.signed(title="人民路路灯不亮")
    with at(t(10, 10)):  # Tuesday: three, one urgent and never dispatched
        w.signed()
        w.signed()
        w.pending(urgency="urgent", title="北山社区停水")
    with at(t(11, 8)):
        run_rollup_sweep()
        run_briefings()
    daily = Briefing.objects.get(kind="daily", start="2026-03-10")
    doc = daily.data

    assert doc["title"] == f"{w.hub.name}日报（2026年3月10日）"
    assert doc["lead"].startswith(f"2026年3月10日，{w.hub.name}共受理群众诉求3件，较前一日增加2件（200.0%）")
    assert doc["hot"] == "诉求较多的问题：路面破损 3件（+2）。"
    page = _text(_page(w, daily))
    assert page.index(doc["lead"][:20]) < page.index("一、主要指标")  # the lead comes before the tables
    assert "CIVICDESK_" not in page and "。；" not in page and "；；" not in page
    notable = page[page.index("值得关注的工单") :]
    assert "北山社区停水" in notable and "未派单" in notable  # the lead unit is never blank
    assert bytes(daily.pdf).startswith(b"%PDF")


def test_the_monthly_report_ranks_the_units(w: World, settings: object) -> None:
    settings.CIVICDESK_RANKING_MIN_VOLUME = 2  # type: ignore[attr-defined]
    with at(t(3, 10)):
        w.signed()
        w.signed()
    with at(t(1, 8, month=4)):
        run_rollup_sweep()
        run_briefings()
    monthly = Briefing.objects.get(kind="monthly")
    assert (str(monthly.start), monthly.data["last"]) == ("2026-03-01", "2026-03-31")
    assert [r["name"] for r in monthly.data["ranking"]["rows"]] == [w.dept_a.name]
    page = _text(_page(w, monthly))
    assert "单位排名" in page and f"{w.hub.name}月报（2026年3月）" in page


def test_a_fall_is_said_once_in_words_not_with_a_second_minus() -> None:
    # A quiet day after a busy one: "减少1件（100.0%）", never "减少1件（-100.0%）".
    assert _change(0, 1) == "减少1件（100.0%）"
    assert _change(8, 10) == "减少2件（20.0%）"
    assert _change(12, 10) == "增加2件（20.0%）"
    assert _change(3, 0) == "增加3件"
