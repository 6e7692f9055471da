"""The statistics sweep the worker runs: take changed orders into the rollups, then write
any 日报/周报 that is due. Safe with several workers (lock row with SKIP LOCKED; one
briefing per period by a unique constraint)."""

from __future__ import annotations

from civicdesk.statistics.briefings import run_briefings
from civicdesk.statistics.rollups import run_rollup_sweep


def run_statistics_sweep() -> int:
    return run_rollup_sweep() + run_briefings()
