"""The dashboard in the middle of a month: no days still ahead in the trend, an empty ranking
said in words, and the time the figures are current as of."""

from __future__ import annotations

from django.test import Client

from civicdesk.statistics import rollups
from tests.statistics.helpers import at, t
from tests.world import World

NOW = t(12, 15, 30)  # Thursday 12 March 2026, 15:30


def _dashboard(w: World) -> dict:  # type: ignore[type-arg]
    client = Client()
    client.force_login(w.leader)
    with at(NOW):
        return client.get("/stats/api/dashboard/?period=month&date=2026-03-10").json()  # type: ignore[no-any-return]


def test_the_trend_stops_at_today(w: World) -> None:
    with at(t(3)):
        w.signed()
    with at(NOW):
        rollups.run_rollup_sweep()
    keys = [row["key"] for row in _dashboard(w)["trend"]]
    assert keys[0] == "2026-03-01" and keys[-1] == "2026-03-12"


def test_a_ranking_without_any_unit_says_so_in_words(w: World, settings: object) -> None:
    settings.CIVICDESK_RANKING_MIN_VOLUME = 10  # type: ignore[attr-defined]
    with at(t(3)):
        w.signed()  # one dispatch: far below the minimum
    with at(NOW):
        rollups.run_rollup_sweep()
    ranking = _dashboard(w)["ranking"]
    assert ranking["rows"] == []
    assert ranking["empty"] == "没有单位的派单次数达到排名所需的 10 次（≥ 10），本期不排名。"


def test_it_says_when_the_figures_were_taken_in(w: World) -> None:
    assert _dashboard(w)["as_of"] == "统计数据尚未生成（后台任务尚未运行）。"
    with at(t(12, 15, 21)):
        rollups.run_rollup_sweep()
    assert _dashboard(w)["as_of"] == "数据截至 15:21"
