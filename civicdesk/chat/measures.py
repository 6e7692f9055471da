"""The online desk's queue figures (网上一对一), each written once like the call measures
(civicdesk.intake.callmeasures): its name, the definition shown beside it, and which chats it
counts (the same condition counts them and lists them).

- waiting: the chats waiting in the queue now, and how long the first of them has waited
  (figures of the moment, not of a period: a past period has none);
- started, taken, abandoned: the chats that began in the period, as they stand now;
- first response: from the start of the chat (the citizen's first message) to the operator's
  first answer, for the chats of the period that had one: the average and the 90th percentile
  (nearest rank: the smallest time at least 90 % of them were answered within), in minutes;
- handled: the chats an operator ended in the period with an answer, an order or a note,
  in total and per operator.

Hub: the chats of the hub and of the hubs below it (subtree=True, the statistics' scope) or
of the hub alone (the desk's own figures). Counted from the chats themselves: a center's
chats are hundreds a day, not a million calls, so there are no rollups to keep equal.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import reduce
from operator import or_
from typing import TYPE_CHECKING, Any, Literal

from django.db.models import Count, Min, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civicdesk.chat.models import Chat, ChatState
from civicdesk.org.models import OrgUnit
from civicdesk.statistics.rollups import RolledFigure

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

HANDLED = (ChatState.ANSWERED, ChatState.ORDERED, ChatState.NOTED)
P90 = 0.9

Span = tuple[datetime, datetime]  # [start, end)


def _started(start: datetime, end: datetime) -> Q:
    return Q(started_at__gte=start, started_at__lt=end)


def _responded(start: datetime, end: datetime) -> Q:
    return _started(start, end) & Q(first_response_at__isnull=False)


@dataclass(frozen=True)
class ChatMeasure:
    code: str
    name: StrOrPromise
    definition: StrOrPromise
    kind: Literal["count", "minutes"]
    # Which chats of the scope it counts (a count) or averages over (a time), for a period.
    chats: Callable[[datetime, datetime], Q]
    now: bool = False  # a figure of the moment: the same for every period, none for a past one


CHAT_MEASURES: dict[str, ChatMeasure] = {
    m.code: m
    for m in [
        ChatMeasure(
            "waiting",
            _("排队中的咨询"),
            _("此刻在队列中等待话务员接待的网上咨询数（当前数，不随统计期变化）。"),
            "count",
            lambda start, end: Q(state=ChatState.WAITING),
            now=True,
        ),
        ChatMeasure(
            "longest_wait",
            _("最长排队时长"),
            _("此刻排队最久的咨询已等待的分钟数（当前数）。"),
            "minutes",
            lambda start, end: Q(state=ChatState.WAITING),
            now=True,
        ),
        ChatMeasure("started", _("咨询量"), _("统计期内市民发起的网上咨询数。"), "count", _started),
        ChatMeasure(
            "taken",
            _("接待量（咨询）"),
            _("统计期内发起、已被话务员接起的咨询数。"),
            "count",
            lambda start, end: _started(start, end) & Q(taken_at__isnull=False),
        ),
        ChatMeasure(
            "abandoned",
            _("离开量"),
            _("统计期内发起、市民未获接待或中途离开的咨询数。"),
            "count",
            lambda start, end: _started(start, end) & Q(state=ChatState.ABANDONED),
        ),
        ChatMeasure(
            "first_response",
            _("平均首次响应时长"),
            _("统计期内发起、已获回复的咨询，从市民发出第一条消息到话务员第一次回复的平均分钟数。"),
            "minutes",
            _responded,
        ),
        ChatMeasure(
            "first_response_p90",
            _("90%首次响应时长"),
            _("统计期内发起、已获回复的咨询中，90% 在此分钟数内得到第一次回复（按响应时长排序的第 ⌈0.9×n⌉ 个）。"),
            "minutes",
            _responded,
        ),
        ChatMeasure(
            "handled",
            _("办结咨询量"),
            _("统计期内由话务员以即时答复、转工单或记录结束的咨询数；按话务员计即各话务员的接待量。"),
            "count",
            lambda start, end: Q(state__in=HANDLED, operator__isnull=False, ended_at__gte=start, ended_at__lt=end),
        ),
    ]
}
PERIOD_COUNTS = ("started", "taken", "abandoned", "handled")


def scope(hub: OrgUnit | None, *, subtree: bool = True) -> QuerySet[Chat]:
    """The chats of `hub` (and of the hubs below it), or every chat for None."""
    if hub is None:
        return Chat.objects.all()
    if not subtree:
        return Chat.objects.filter(hub=hub)
    return Chat.objects.filter(hub__in=OrgUnit.objects.filter(path__startswith=hub.path).values("pk"))


def drill(code: str, hub: OrgUnit | None, start: datetime, end: datetime, *, subtree: bool = True) -> QuerySet[Chat]:
    """The chats behind a figure."""
    return scope(hub, subtree=subtree).filter(CHAT_MEASURES[code].chats(start, end)).order_by("started_at", "pk")


def _p90(seconds: list[float]) -> float:
    ordered = sorted(seconds)
    return ordered[max(0, math.ceil(P90 * len(ordered)) - 1)]


def figures_by_period(
    hub: OrgUnit | None,
    spans: Sequence[Span],
    *,
    subtree: bool = True,
    now: datetime | None = None,
    codes: Iterable[str] | None = None,
) -> list[dict[str, RolledFigure]]:
    """The figures of each span (the first span is the current one: the figures of the moment
    are given there, and as none for the others), in two queries whatever the spans: one
    counts, one reads the response times of the chats that had one."""
    now = now or timezone.now()
    chosen = list(codes or CHAT_MEASURES)
    base = scope(hub, subtree=subtree)
    counts: dict[str, Any] = {
        f"p{i}_{code}": Count("pk", filter=CHAT_MEASURES[code].chats(start, end))
        for i, (start, end) in enumerate(spans)
        for code in PERIOD_COUNTS
    }
    waiting = CHAT_MEASURES["waiting"].chats(now, now)
    totals = base.aggregate(**counts, waiting=Count("pk", filter=waiting), oldest=Min("started_at", filter=waiting))
    responded = reduce(or_, (_responded(start, end) for start, end in spans), Q(pk__in=[]))
    pairs = [
        (began, answered)
        for began, answered in base.filter(responded).values_list("started_at", "first_response_at")
        if answered is not None
    ]
    texts = {code: (str(CHAT_MEASURES[code].name), str(CHAT_MEASURES[code].definition)) for code in chosen}
    result = []
    for i, (start, end) in enumerate(spans):
        seconds = [(answered - began).total_seconds() for began, answered in pairs if start <= began < end]
        parts: dict[str, tuple[float | None, float, int | None]] = {
            code: (float(totals[f"p{i}_{code}"]), float(totals[f"p{i}_{code}"]), None) for code in PERIOD_COUNTS
        }
        minutes = sum(seconds) / 60
        parts["first_response"] = (minutes / len(seconds) if seconds else None, minutes, len(seconds))
        parts["first_response_p90"] = (_p90(seconds) / 60 if seconds else None, float(len(seconds)), len(seconds))
        if i == 0:
            oldest = totals["oldest"]
            parts["waiting"] = (float(totals["waiting"]), float(totals["waiting"]), None)
            longest = (now - oldest).total_seconds() / 60 if oldest is not None else None
            parts["longest_wait"] = (longest, longest or 0.0, None)
        else:
            parts["waiting"] = parts["longest_wait"] = (None, 0.0, None)
        figures = {}
        for code in chosen:
            value, numerator, denominator = parts[code]
            name, definition = texts[code]
            figures[code] = RolledFigure(
                code, name, definition, CHAT_MEASURES[code].kind, value, numerator, denominator
            )
        result.append(figures)
    return result


def figures(
    hub: OrgUnit | None, start: datetime, end: datetime, *, subtree: bool = True, now: datetime | None = None
) -> dict[str, RolledFigure]:
    return figures_by_period(hub, [(start, end)], subtree=subtree, now=now)[0]


def handled_by_operator(
    hub: OrgUnit | None, start: datetime, end: datetime, *, subtree: bool = True
) -> list[tuple[int, str, int]]:
    """(operator id, name, chats handled) per operator who handled any in the period (the
    "handled" measure), most first; one query, the names joined in."""
    rows = (
        scope(hub, subtree=subtree)
        .filter(CHAT_MEASURES["handled"].chats(start, end))
        .values("operator", "operator__display_name", "operator__username")
        .order_by()
        .annotate(n=Count("pk"))
    )
    found = [(r["operator"], r["operator__display_name"] or r["operator__username"], r["n"]) for r in rows]
    return sorted(found, key=lambda row: (-row[2], row[1]))


def as_timedelta(figure: RolledFigure) -> timedelta | None:
    """A time figure (minutes) as a duration, for the desk's own display."""
    return timedelta(minutes=figure.value) if figure.value is not None else None
