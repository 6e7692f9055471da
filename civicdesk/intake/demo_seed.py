"""Demo: four weeks of calls at the city's center (up to now), so the 话务统计 page, the
missed-call list, the seat schedule's staffing forecast (the same weekday of the last four
weeks) and the quality inspection's sampling have something to show — a morning and an
afternoon peak, about half as many calls on days off, most calls answered within seconds
and some after a wait, short and long abandons, transfers, missed calls mostly called back
(all of them before yesterday), a recording id on every answered call, and the phone orders
of those weeks linked to the call they were taken on (answered by the operator who took the
order, shortly before). Written in bulk, the last week's calls with the events a CTI would
have sent; the call rollups are built at the end. Idempotent: a second run adds nothing."""

from __future__ import annotations

import random
from bisect import bisect_right
from collections import defaultdict
from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction

from civicdesk.catalogue.models import Channel
from civicdesk.intake import callmeasures
from civicdesk.intake.calls import set_durations
from civicdesk.intake.models import Call, CallEvent, CallEventKind, CallState
from civicdesk.orders.models import OrderEvent, WorkOrder
from civicdesk.orders.workflow import CREATE
from civicdesk.org.models import OrgUnit, Role
from civicdesk.statistics.rollups import day_start, local_day
from civicdesk.worktime.limits import work_calendar

PREFIX = "demo-cti-"  # the showcase has missed calls of its own ("demo-call-…")
# Calls arriving per hour of the day at a county-level 12345 (about 300 a day).
PER_HOUR = [2, 1, 1, 1, 1, 2, 4, 10, 24, 30, 28, 22, 14, 16, 24, 26, 22, 18, 12, 10, 8, 6, 4, 3]
QUEUES = [("普通话", 0.8), ("企业专席", 0.15), ("英语", 0.05)]
HISTORY_DAYS = 28  # the staffing forecast looks back four weeks at the same weekday
DAY_OFF_SHARE = 0.5  # weekends and holidays: about half a working day's calls
EVENT_DAYS = 7  # the calls of the last week carry the events the CTI posted


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
    calendar = work_calendar()
    calls: list[Call] = []
    events: list[tuple[int, str, datetime, Any, int]] = []  # (call index, kind, at, agent, leg)
    for day in (today - timedelta(days=n) for n in range(HISTORY_DAYS, -1, -1)):
        share = 1.0 if calendar.is_workday(day) else DAY_OFF_SHARE
        # Before yesterday the missed calls have all been dealt with: the list shows the recent.
        settled = day < today - timedelta(days=1)
        for hour, usual in enumerate(PER_HOUR):
            for _ in range(round(usual * share * rng.uniform(0.8, 1.2))):
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
                    if settled or (wait > 5 and back < now and rng.random() < 0.75):
                        call.called_back_at, call.called_back_by = back, agent
                set_durations(call)
                call.changed_at = now
                calls.append(call)
    _link_phone_orders(city.hub, calls, day_start(today - timedelta(days=HISTORY_DAYS)))
    with transaction.atomic():
        Call.objects.bulk_create(calls, batch_size=1000)
        # The CTI's event log of the last week only: the measures count from the calls, and four
        # weeks of events would make the demo several times slower to build for no page.
        logged_from = day_start(today - timedelta(days=EVENT_DAYS))
        CallEvent.objects.bulk_create(
            [
                CallEvent(call=calls[i], kind=kind, at=at, agent=agent, posted_by=poster, leg=leg, received_at=at)
                for i, kind, at, agent, leg in events
                if calls[i].started_at >= logged_from
            ],
            batch_size=2000,
        )
        rows = callmeasures.rebuild()
    missed = sum(1 for c in calls if c.state == CallState.MISSED)
    linked = sum(1 for c in calls if c.order_id)
    return [
        f"话务：{len(calls)} 通来电（近 {HISTORY_DAYS} 天与今日至今，{missed} 通未接，{linked} 通受理了工单），"
        f"话务汇总 {rows} 行。"
    ]


def _link_phone_orders(hub: OrgUnit, calls: list[Call], since: datetime) -> None:
    """Each phone order of the period was taken on a call: the latest call its operator
    answered that day before the order was saved (the order page shows the call and its
    recording; the quality inspector reads the order beside the call)."""
    answered: dict[tuple[int, date], list[Call]] = defaultdict(list)
    for call in calls:  # in order of arrival within each day
        if call.answered_at is not None and call.agent is not None:
            answered[(call.agent.pk, local_day(call.started_at))].append(call)
    for day_calls in answered.values():
        day_calls.sort(key=lambda c: c.answered_at or c.started_at)
    takers = dict(
        OrderEvent.objects.filter(
            action=CREATE, order__hub=hub, order__channel=Channel.PHONE, order__created_at__gte=since
        ).values_list("order_id", "actor_id")
    )
    orders = WorkOrder.objects.filter(pk__in=takers).order_by("created_at")
    for pk, created_at, phone in orders.values_list("pk", "created_at", "citizen_phone"):
        day_calls = answered.get((takers[pk], local_day(created_at)), [])
        before = bisect_right([c.answered_at or c.started_at for c in day_calls], created_at)
        free = [c for c in day_calls[:before] if c.order_id is None]
        if free:
            free[-1].order_id, free[-1].phone = pk, phone or free[-1].phone
