"""The desk's own figures page and the citizen's expected wait. The figures themselves (waiting
chats, first-response time, handled per operator…) are defined once in civicdesk.chat.measures;
this adds the desk's breakdown of each operator's handled chats by how they ended."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone

from civicdesk.chat import measures
from civicdesk.chat.measures import CHAT_MEASURES
from civicdesk.chat.models import Chat, ChatState
from civicdesk.org.models import OrgUnit


@dataclass
class OperatorRow:
    name: str
    handled: int
    answered: int
    ordered: int
    noted: int
    open_now: int


@dataclass
class Figures:
    waiting: int
    longest_wait: timedelta | None
    started: int
    taken: int
    abandoned: int
    first_response_avg: timedelta | None
    first_response_p90: timedelta | None
    operators: list[OperatorRow] = field(default_factory=list)


def figures(hub: OrgUnit, start: datetime, end: datetime, *, now: datetime | None = None) -> Figures:
    """The desk's figures for its own hub (the hubs below it have desks of their own)."""
    now = now or timezone.now()
    found = measures.figures(hub, start, end, subtree=False, now=now)
    handled = CHAT_MEASURES["handled"].chats(start, end)
    in_period = Q(ended_at__gte=start, ended_at__lt=end)
    rows = (
        Chat.objects.filter(hub=hub, operator__isnull=False)
        .filter(in_period | Q(state=ChatState.TAKEN))
        .values("operator", "operator__display_name", "operator__username")
        .annotate(
            handled=Count("pk", filter=handled),
            answered=Count("pk", filter=Q(state=ChatState.ANSWERED) & in_period),
            ordered=Count("pk", filter=Q(state=ChatState.ORDERED) & in_period),
            noted=Count("pk", filter=Q(state=ChatState.NOTED) & in_period),
            open_now=Count("pk", filter=Q(state=ChatState.TAKEN)),
        )
        .order_by("-handled", "operator__username")
    )
    longest = measures.as_timedelta(found["longest_wait"])
    return Figures(
        waiting=int(found["waiting"].numerator),
        longest_wait=longest,
        started=int(found["started"].numerator),
        taken=int(found["taken"].numerator),
        abandoned=int(found["abandoned"].numerator),
        first_response_avg=measures.as_timedelta(found["first_response"]),
        first_response_p90=measures.as_timedelta(found["first_response_p90"]),
        operators=[
            OperatorRow(
                name=row["operator__display_name"] or row["operator__username"],
                handled=row["handled"],
                answered=row["answered"],
                ordered=row["ordered"],
                noted=row["noted"],
                open_now=row["open_now"],
            )
            for row in rows
        ],
    )


def today(hub: OrgUnit) -> Figures:
    start = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    return figures(hub, start, start + timedelta(days=1))


@dataclass(frozen=True)
class Expectation:
    ahead: int  # waiting chats started before this one
    minutes: int  # when to expect an answer, at the latest as far as the recent pace tells


def expectation(chat: Chat, *, now: datetime | None = None) -> Expectation | None:
    """What a citizen waiting more than CIVICDESK_CHAT_WAIT_NOTICE_MINUTES is told: how many
    are ahead, and in how many minutes to expect an answer (the recent average wait until a
    chat was taken, per chat ahead and this one; the notice's minutes when nothing was taken
    lately). None while the wait is still short, or once taken."""
    now = now or timezone.now()
    notice = int(settings.CIVICDESK_CHAT_WAIT_NOTICE_MINUTES)
    if chat.state != ChatState.WAITING or now - chat.started_at < timedelta(minutes=notice):
        return None
    ahead = Chat.objects.filter(hub_id=chat.hub_id, state=ChatState.WAITING, started_at__lt=chat.started_at).count()
    recent = Chat.objects.filter(hub_id=chat.hub_id, taken_at__gte=now - timedelta(hours=2)).values_list(
        "started_at", "taken_at"
    )
    waits = [(taken - began).total_seconds() / 60 for began, taken in recent if taken is not None]
    pace = sum(waits) / len(waits) if waits else float(notice)
    return Expectation(ahead=ahead, minutes=max(1, math.ceil(pace * (ahead + 1))))
