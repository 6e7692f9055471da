"""Demo: a realistic day of calls at the city's center (yesterday, and today up to now), so
the 话务统计 page and the missed-call list have something to show — a morning and an
afternoon peak, most calls answered within seconds and some after a wait, short and long
abandons, transfers, missed calls mostly called back, a recording id on every answered
call, and today's phone orders linked to a call. Written in bulk with the events a CTI
would have sent; the call rollups are built at the end. Idempotent: a second run adds
nothing."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction

from civicdesk.catalogue.models import Channel
from civicdesk.intake import callmeasures
from civicdesk.intake.calls import set_durations
from civicdesk.intake.models import Call, CallEvent, CallEventKind, CallState
from civicdesk.orders.models import WorkOrder
from civicdesk.org.models import Role
from civicdesk.statistics.rollups import day_start, local_day

PREFIX = "demo-cti-"  # the showcase has missed calls of its own ("demo-call-…")
# Calls arriving per hour of the day at a county-level 12345 (about 300 a day).
PER_HOUR = [2, 1, 1, 1, 1, 2, 4, 10, 24, 30, 28, 22, 14, 16, 24, 26, 22, 18, 12, 10, 8, 6, 4, 3]
QUEUES = [("普通话", 0.8), ("企业专席", 0.15), ("英语", 0.05)]


def _queue(rng: random.Random) -> str:
    roll, seen = rng.random(), 0.0
    for name, share in QUEUES:
        seen += share
        if roll < seen:
            return name
    return QUEUES[0][0]


def seed(city: Any, now: datetime) -> list[str]:
    if Call.objects.filter(call_id__startswith=PREFIX).exists():
        return []
    rng = random.Random(12345)
    operators = city.staff.get(Role.OPERATOR, [])
    poster = operators[0] if operators else None
    agents = operators + city.staff.get(Role.DISPATCHER, [])[:1]
    if not agents:
        return []
    today = local_day(now)
    calls: list[Call] = []
    events: list[tuple[int, str, datetime, Any, int]] = []  # (call index, kind, at, agent, leg)
    for day in (today - timedelta(days=1), today):
        for hour, n in enumerate(PER_HOUR):
            for _ in range(n):
                start = day_start(day) + timedelta(hours=hour, seconds=rng.randrange(3600))
                if start > now - timedelta(minutes=5):
                    continue
                i = len(calls)
                busy = PER_HOUR[hour] >= 24  # the peaks wait longer
                agent = rng.choice(agents)
                call = Call(
                    call_id=f"{PREFIX}{day:%Y%m%d}-{i:04d}",
                    phone=f"13{rng.randrange(100000000, 999999999)}",
                    hub=city.hub,
                    started_at=start,
                    queue=_queue(rng),
                )
                events.append((i, CallEventKind.QUEUED, start, None, 0))
                roll = rng.random()
                if roll < (0.86 if busy else 0.95):
                    wait = rng.choice([3, 5, 6, 8, 10, 12, 14]) if rng.random() < 0.8 else rng.randrange(16, 95)
                    answered = start + timedelta(seconds=wait)
                    talk = rng.randrange(60, 420) if rng.random() < 0.9 else rng.randrange(420, 1200)
                    call.agent, call.answered_at = agent, answered
                    call.ended_at = answered + timedelta(seconds=talk)
                    call.state = CallState.COMPLETED
                    call.recording_id = f"REC-{day:%Y%m%d}-{i:04d}"
                    events.append((i, CallEventKind.RINGING, answered - timedelta(seconds=min(wait, 4)), agent, 0))
                    events.append((i, CallEventKind.ANSWERED, answered, agent, 0))
                    if rng.random() < 0.06:
                        other = rng.choice([a for a in agents if a != agent] or agents)
                        call.transfer_count, call.transferred_to = 1, other
                        events.append((i, CallEventKind.TRANSFERRED, answered + timedelta(seconds=talk // 2), other, 1))
                    if call.ended_at > now:  # still on the line
                        call.ended_at, call.state = None, CallState.ANSWERED
                    else:
                        events.append((i, CallEventKind.HUNG_UP, call.ended_at, None, 0))
                else:
                    wait = rng.choice([1, 2, 4]) if rng.random() < 0.4 else rng.randrange(20, 120)
                    call.ended_at, call.state = start + timedelta(seconds=wait), CallState.MISSED
                    events.append((i, CallEventKind.HUNG_UP, call.ended_at, None, 0))
                    back = call.ended_at + timedelta(minutes=rng.randrange(5, 90))
                    if wait > 5 and back < now and rng.random() < 0.75:
                        call.called_back_at, call.called_back_by = back, agent
                set_durations(call)
                call.changed_at = now
                calls.append(call)
    with transaction.atomic():
        Call.objects.bulk_create(calls, batch_size=1000)
        CallEvent.objects.bulk_create(
            [
                CallEvent(call=calls[i], kind=kind, at=at, agent=agent, posted_by=poster, leg=leg, received_at=at)
                for i, kind, at, agent, leg in events
            ],
            batch_size=2000,
        )
        # Today's phone orders were taken on calls: the order page shows its call and recording.
        answered_today = [c for c in calls if c.answered_at and local_day(c.started_at) == today]
        orders = WorkOrder.objects.filter(hub=city.hub, channel=Channel.PHONE, created_at__gte=day_start(today))
        for order, call in zip(orders.order_by("created_at")[:20], answered_today, strict=False):
            Call.objects.filter(pk=call.pk).update(order=order, phone=order.citizen_phone or call.phone)
        rows = callmeasures.rebuild()
    missed = sum(1 for c in calls if c.state == CallState.MISSED)
    return [f"话务：{len(calls)} 通来电（昨日全天与今日至今，{missed} 通未接），话务汇总 {rows} 行。"]
