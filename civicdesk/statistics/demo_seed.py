"""Demo: build the statistics rollups from the demo's orders, and write one 日报 and one 周报."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from civicdesk.statistics.briefings import run_briefings
from civicdesk.statistics.rollups import rebuild


def seed(city: Any, now: datetime) -> list[str]:
    written = rebuild()
    briefings = run_briefings(now)
    return [f"统计日汇总：{written} 行；新写日报/周报/月报 {briefings} 份。"]
