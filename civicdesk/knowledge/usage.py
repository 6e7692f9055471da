"""How often each article answered a call, from the orders closed on the call (即时办结).

The answer action stores ``data={"articles": [ids]}`` on its event; an article's use count is
the number of such events naming it. The 直接答复率 comes from civicdesk.statistics.measures.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.utils import timezone

from civicdesk.orders.models import OrderEvent
from civicdesk.statistics.measures import Figure, Period, measure


def use_counts(article_ids: Iterable[int] | None = None, *, since: datetime | None = None) -> Counter[int]:
    wanted = set(article_ids) if article_ids is not None else None
    events = OrderEvent.objects.filter(action="answer")
    if since is not None:
        events = events.filter(at__gte=since)
    counts: Counter[int] = Counter()
    for data in events.values_list("data", flat=True).iterator(chunk_size=2000):
        for raw in (data or {}).get("articles", []) or []:
            try:
                pk = int(raw)
            except (TypeError, ValueError):
                continue
            if wanted is None or pk in wanted:
                counts[pk] += 1
    return counts


def answered_on_call_rate(days: int = 30, *, now: datetime | None = None) -> Figure:
    """直接答复率 over the last ``days`` days (the statistics app's definition)."""
    end = now or timezone.now()
    return measure("answered_on_call", Period(start=end - timedelta(days=days), end=end), as_of=end)
