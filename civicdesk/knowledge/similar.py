"""Similar cases (类案): past closed orders most like this one, with the reply each received.

Past orders are ranked by BM25 over character bigrams of their title and content (no
segmentation: orders are many and short, and bigrams need no dictionary), held per process
and extended with the orders closed since it was built. Only orders the user may open are
shown, and never a confidential caller's order (its matter could tell who called).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from civicdesk.orders.models import WorkOrder
from civicdesk.orders.permissions import visible_orders
from civicdesk.orders.workflow import State
from civicdesk.org.models import User
from civicdesk.text.retrieval import FieldSpec, Index
from civicdesk.text.zhtext import char_ngrams

CASE_STATES = (State.CLOSED, State.ANSWERED, State.AWAITING_CALLBACK)
DRAFTABLE_STATES = (State.CLOSED, State.AWAITING_CALLBACK)
_CANDIDATES = 100
_lock = threading.Lock()


@dataclass
class _Cache:
    key: tuple[int, int, str]
    index: Index


_cache: _Cache | None = None


def _bigrams(text: str) -> list[str]:
    return char_ngrams(text, 2)


def _index() -> Index:
    global _cache
    closed = WorkOrder.objects.filter(state__in=CASE_STATES, confidential=False)
    # (count, max pk, first number): a rolled-back or rebuilt database gives a different key.
    from django.db.models import Count, Max, Min

    agg = closed.aggregate(n=Count("pk"), last=Max("pk"), first=Min("number"))
    key = (agg["n"] or 0, agg["last"] or 0, agg["first"] or "")
    with _lock:
        if _cache is not None and _cache.key == key:
            return _cache.index
        index = Index([
            FieldSpec("title", _bigrams, weight=1.0),
            FieldSpec("content", _bigrams, weight=0.6),
        ])
        for pk, title, content in closed.values_list("pk", "title", "content").iterator(chunk_size=2000):
            index.add(pk, {"title": title, "content": content[:1000]})
        index.build()
        _cache = _Cache(key, index)
        return index


@dataclass(frozen=True)
class Case:
    order: WorkOrder
    score: float

    @property
    def reply(self) -> str:
        return self.order.reply_text or self.order.answer_text


def similar_cases(user: User, order: WorkOrder, *, limit: int = 5) -> list[Case]:
    index = _index()
    if not len(index):
        return []
    hits = [(pk, s) for pk, s in index.search(f"{order.title}\n{order.title}\n{order.content[:500]}", _CANDIDATES + 1)
            if pk != order.pk]
    if not hits:
        return []
    allowed = {
        o.pk: o
        for o in visible_orders(user)
        .filter(pk__in=[pk for pk, _s in hits], confidential=False)
        .exclude(reply_text="", answer_text="")
        .select_related("lead_unit", "category")
    }
    return [Case(allowed[pk], s) for pk, s in hits if pk in allowed][:limit]
