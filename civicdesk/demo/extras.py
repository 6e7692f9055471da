"""Demo data that belongs to other apps (knowledge articles, enterprises, rosters, …).

Each entry is the dotted path of a function ``seed(city, now) -> list[str]`` that adds its
app's demo rows idempotently (a second `civicdesk demo` adds nothing) and returns lines to
print. The demo command runs them in order after the orders exist.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils.module_loading import import_string

SEEDERS: list[str] = [
    "civicdesk.routing.demo_seed.seed",
    "civicdesk.enterprises.demo_seed.seed",
    "civicdesk.portal.demo_seed.seed",
    # Seat shifts and the prefecture's day-off roster, after the city's roster (its gap stays).
    "civicdesk.worktime.demo_seed.seed",
    "civicdesk.chat.demo_seed.seed",  # after the rosters (the desk is staffed on days off)
    "civicdesk.knowledge.demo_seed.seed",
    "civicdesk.policies.demo_seed.seed",  # after the companies and the articles that cite a measure
    "civicdesk.approvals.demo_seed.seed",  # two applications of demo companies, one on time, one late
    "civicdesk.upstream.demo_seed.seed",  # the prefecture's calls and 民心网's orders
    "civicdesk.hotspots.demo_seed.seed",  # after the orders, before the rollups count them
    # Four weeks of calls (and their own rollups), the phone orders linked to their calls.
    "civicdesk.intake.demo_seed.seed",
    "civicdesk.quality.demo_seed.seed",  # after the calls: the sampling rule's queue, scores, appeals
    "civicdesk.statistics.demo_seed.seed",  # last: builds the rollups from every order
]


def run_extra_seeders(city: Any, now: datetime) -> list[str]:
    lines: list[str] = []
    for dotted in SEEDERS:
        lines.extend(import_string(dotted)(city, now))
    return lines
