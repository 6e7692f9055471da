"""The online desk's queue figures, like the phone line's: chats waiting now and the longest
wait, and for a period the chats started, taken, abandoned, the first-response time (from
the citizen's first message to the operator's first answer: average and 90th percentile),
and the chats each operator handled (ended by answer, order or note)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone

from civicdesk.chat.models import Chat, ChatState
from civicdesk.org.models import OrgUnit

HANDLED = (ChatState.ANSWERED, ChatState.ORDERED, ChatState.NOTED)


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


def _percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile (the smallest value with at least `share` of them at or below)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def figures(hub: OrgUnit, start: datetime, end: datetime, *, now: datetime | None = None) -> Figures:
    now = now or timezone.now()
    waiting = Chat.objects.filter(hub=hub, state=ChatState.WAITING)
    oldest = waiting.order_by("started_at").values_list("started_at", flat=True).first()
    period = Chat.objects.filter(hub=hub, started_at__gte=start, started_at__lt=end)
    responses = [
        (answered - began).total_seconds()
        for began, answered in period.filter(first_response_at__isnull=False).values_list(
            "started_at", "first_response_at"
        )
        if answered is not None
    ]
    rows = (
        Chat.objects.filter(hub=hub, operator__isnull=False)
        .filter(Q(ended_at__gte=start, ended_at__lt=end) | Q(state=ChatState.TAKEN))
        .values("operator", "operator__display_name", "operator__username")
        .annotate(
            handled=Count("pk", filter=Q(state__in=HANDLED, ended_at__gte=start, ended_at__lt=end)),
            answered=Count("pk", filter=Q(state=ChatState.ANSWERED, ended_at__gte=start, ended_at__lt=end)),
            ordered=Count("pk", filter=Q(state=ChatState.ORDERED, ended_at__gte=start, ended_at__lt=end)),
            noted=Count("pk", filter=Q(state=ChatState.NOTED, ended_at__gte=start, ended_at__lt=end)),
            open_now=Count("pk", filter=Q(state=ChatState.TAKEN)),
        )
        .order_by("-handled", "operator__username")
    )
    return Figures(
        waiting=waiting.count(),
        longest_wait=(now - oldest) if oldest else None,
        started=period.count(),
        taken=period.filter(taken_at__isnull=False).count(),
        abandoned=period.filter(state=ChatState.ABANDONED).count(),
        first_response_avg=timedelta(seconds=sum(responses) / len(responses)) if responses else None,
        first_response_p90=timedelta(seconds=_percentile(responses, 0.9)) if responses else None,
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
