from __future__ import annotations

from django.test import Client

from civicdesk.statistics.briefings import run_briefings
from civicdesk.statistics.models import Briefing
from civicdesk.statistics.rollups import run_rollup_sweep
from tests.statistics.helpers import at, t
from tests.world import World


def test_the_worker_writes_each_briefing_once(w: World) -> None:
    with at(t(3)):  # Tuesday
        w.signed(urgency="urgent", title="北山社区停水")
        w.answered()
    with at(t(10, 8)):  # the next Tuesday
        run_rollup_sweep()
        assert run_briefings() == 3  # yesterday's 日报, last week's 周报, last month's 月报
        assert run_briefings() == 0  # a second worker, or the next round: nothing new
    daily = Briefing.objects.get(kind="daily")
    weekly = Briefing.objects.get(kind="weekly")
    assert (str(daily.start), str(weekly.start), str(weekly.end)) == ("2026-03-09", "2026-03-02", "2026-03-09")
    figures = {f["code"]: f["display"] for f in weekly.data["figures"]}
    assert figures["accepted"] == "2" and figures["answered_on_call"] == "50.00%"
    assert [n["title"] for n in weekly.data["notable"]] == ["北山社区停水"]
    assert bytes(weekly.pdf).startswith(b"%PDF")


def test_the_briefings_are_listed_for_leaders_with_html_and_pdf(w: World) -> None:
    with at(t(10, 8)):
        run_briefings()
    client = Client()
    client.force_login(w.leader)
    listing = client.get("/stats/briefings/").content.decode()
    briefing = Briefing.objects.get(kind="weekly")
    assert f"/stats/briefings/{briefing.pk}/pdf/" in listing
    assert "周报" in client.get(f"/stats/briefings/{briefing.pk}/").content.decode()
    assert client.get(f"/stats/briefings/{briefing.pk}/pdf/")["Content-Type"] == "application/pdf"
    handler = Client()
    handler.force_login(w.handler_a)
    assert handler.get(f"/stats/briefings/{briefing.pk}/pdf/").status_code == 403
