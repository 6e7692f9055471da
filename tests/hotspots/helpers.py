"""Orders about one matter at one place, called in by different people."""

from __future__ import annotations

from typing import Any

from civicdesk.orders.models import WorkOrder
from tests.worker import run_queued
from tests.world import World

NOISE = [
    ("崖头街道幸福里小区楼下烧烤店油烟扰民", "13800001001"),
    ("投诉幸福里小区临街饭店排烟", "13800001002"),
    ("幸福里小区底商烧烤噪音油烟到半夜", "13800001003"),
    ("幸福里小区餐馆油烟污染", "13800001004"),
    ("幸福里小区夜宵店油烟直排扰民", "13800001005"),
]


def call_in(w: World, capture: Any, count: int, **extra: Any) -> list[WorkOrder]:
    """Create `count` orders of the 幸福里小区 matter; their after-commit reactions run, and the
    worker groups each (as it would, one order after the other)."""
    made = []
    for title, phone in NOISE[:count]:
        with capture(execute=True):
            made.append(w.new_order(title=title, content=title + "，请尽快处理。", citizen_phone=phone, **extra))
        run_queued()
    return made
