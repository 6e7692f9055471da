"""A week of answered calls for the quality tests, and the hub's inspectors."""

from __future__ import annotations

from datetime import date, timedelta

from civicdesk.intake.models import Call, CallState
from civicdesk.orders.models import WorkOrder
from civicdesk.org.models import Role, User
from tests.worktime.helpers import at
from tests.world import World

WEEK = date(2026, 3, 2)  # a Monday


def inspector(w: World, username: str = "qc1", name: str = "质检员小周") -> User:
    found = User.objects.filter(username=username).first()
    return found or w.person(username, name, (w.hub, Role.INSPECTOR))


def answered_calls(
    w: World, agent: User, count: int, *, day: date = WEEK, order: WorkOrder | None = None
) -> list[Call]:
    calls = []
    for n in range(count):
        start = at(day.year, day.month, day.day, 9 + n % 8, n % 60)
        calls.append(
            Call(
                call_id=f"{agent.username}-{day:%m%d}-{n}-{Call.objects.count()}",
                phone="13800001234",
                hub=w.hub,
                agent=agent,
                state=CallState.COMPLETED,
                started_at=start,
                answered_at=start + timedelta(seconds=8),
                ended_at=start + timedelta(seconds=200),
                wait_seconds=8,
                talk_seconds=192,
                order=order,
            )
        )
    return Call.objects.bulk_create(calls)
