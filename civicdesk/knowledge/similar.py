"""Similar cases (类案): past closed orders most like this one, with the reply each received.

Matter first, place second. Past orders are ranked by BM25 over character bigrams of their
title and content (no segmentation: orders are many and short, and bigrams need no
dictionary) with the city's place names (areas and their aliases) taken out, so that two
orders about 人民路 do not look alike for the street alone; among orders about the same
matter, those of the same category and then the same area come first. The index is held
per process and rebuilt when orders close. Only orders the user may open are shown, and
never a confidential caller's order (its matter could tell who called).
"""

from __future__ import annotations

import threading
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from typing import cast

from django.db.models import Count, Max, Min

from civicdesk.catalogue.models import Area
from civicdesk.orders.models import WorkOrder
from civicdesk.orders.permissions import visible_orders
from civicdesk.orders.workflow import State
from civicdesk.org.models import User
from civicdesk.text.retrieval import FieldSpec, Index
from civicdesk.text.zhtext import char_ngrams

CASE_STATES = (State.CLOSED, State.ANSWERED, State.AWAITING_CALLBACK)
DRAFTABLE_STATES = (State.CLOSED, State.AWAITING_CALLBACK)
_CANDIDATES = 100
# Bonuses, as shares of the best matter score among the candidates: enough to reorder orders
# about the same matter, not to lift an order about another matter above them.
SAME_CATEGORY = 0.3
SAME_AREA = 0.1
_lock = threading.Lock()


@dataclass
class _Cache:
    key: tuple[int, int, str, str, int]
    index: Index
    places: tuple[str, ...]


_cache: _Cache | None = None


def _bigrams(text: str) -> list[str]:
    return char_ngrams(text, 2)


def _place_names() -> tuple[str, ...]:
    """Area names and aliases of two characters or more, longest first."""
    words: set[str] = set()
    for name, aliases in Area.objects.values_list("name", "aliases"):
        for word in [name, *(aliases or "").replace("，", ",").replace(",", " ").split()]:
            if len(word) >= 2:
                words.add(word)
    return tuple(sorted(words, key=lambda w: (-len(w), w)))


def matter(text: str, places: tuple[str, ...]) -> str:
    """The text without place names: what the order is about, not where."""
    for word in places:
        if word in text:
            text = text.replace(word, " ")
    return text


def case_index(rows: Iterable[tuple[Hashable, str, str]], places: tuple[str, ...]) -> Index:
    """The matter index over (id, title, content) rows of past orders (also used by
    bench/similar_cases_precision.py on the Teddy Cup messages)."""
    index = Index(
        [
            FieldSpec("title", _bigrams, weight=1.0),
            FieldSpec("content", _bigrams, weight=0.6),
        ]
    )
    for pk, title, content in rows:
        index.add(pk, {"title": matter(title, places), "content": matter(content[:1000], places)})
    index.build()
    return index


def case_query(title: str, content: str, places: tuple[str, ...]) -> str:
    """The query for an order's similar cases: its matter, the title counting twice."""
    title = matter(title, places)
    return f"{title}\n{title}\n{matter(content[:500], places)}"


def _index() -> _Cache:
    global _cache
    closed = WorkOrder.objects.filter(state__in=CASE_STATES, confidential=False)
    # (count, max pk, first number, last change): a rolled-back or rebuilt database gives a
    # different key even where it reuses the same primary keys and numbers.
    agg = closed.aggregate(n=Count("pk"), last=Max("pk"), first=Min("number"), changed=Max("updated_at"))
    places = _place_names()
    key = (
        agg["n"] or 0,
        agg["last"] or 0,
        agg["first"] or "",
        str(agg["changed"]),
        hash(places) ^ Area.objects.count(),
    )
    with _lock:
        if _cache is not None and _cache.key == key:
            return _cache
        index = case_index(closed.values_list("pk", "title", "content").iterator(chunk_size=2000), places)
        _cache = _Cache(key, index, places)
        return _cache


@dataclass(frozen=True)
class Case:
    order: WorkOrder
    score: float

    @property
    def reply(self) -> str:
        return self.order.reply_text or self.order.answer_text


def similar_cases(user: User, order: WorkOrder, *, limit: int = 5) -> list[Case]:
    cache = _index()
    index = cache.index
    if not len(index):
        return []
    query = case_query(order.title, order.content, cache.places)
    # the index holds order primary keys
    hits = [(cast(int, pk), s) for pk, s in index.search(query, _CANDIDATES + 1) if pk != order.pk]
    if not hits:
        return []
    allowed = {
        o.pk: o
        for o in visible_orders(user)
        .filter(pk__in=[pk for pk, _s in hits], confidential=False)
        .exclude(reply_text="", answer_text="")
        .select_related("lead_unit", "category")
    }
    best = max((s for pk, s in hits if pk in allowed), default=0.0)
    ranked: list[tuple[float, int]] = []
    for pk, score in hits:
        case = allowed.get(pk)
        if case is None:
            continue
        bonus = 0.0
        if order.category_id is not None and case.category_id == order.category_id:
            bonus += SAME_CATEGORY * best
        if order.area_id is not None and case.area_id == order.area_id:
            bonus += SAME_AREA * best
        ranked.append((score + bonus, pk))
    ranked.sort(key=lambda t: (-t[0], t[1]))
    return [Case(allowed[pk], s) for s, pk in ranked[:limit]]
