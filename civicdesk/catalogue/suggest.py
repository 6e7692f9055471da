"""Category suggestions from the catalogue's own words (names, keywords and descriptions at
every level): the cold start that needs no history."""

from __future__ import annotations

import time as _time
from dataclasses import dataclass

from civicdesk.catalogue.models import Category
from civicdesk.text.textclassify import tokenize


@dataclass(frozen=True)
class Suggestion:
    category: Category
    score: float
    reason: str


_cache: tuple[float, list[tuple[Category, list[tuple[str, float]]]]] | None = None


def forget(**kwargs: object) -> None:
    """Drop the cached terms (a category was saved)."""
    global _cache
    _cache = None


def _words(text: str) -> list[str]:
    return [w for w in tokenize(text) if len(w) >= 2]


def _leaf_terms() -> list[tuple[Category, list[tuple[str, float]]]]:
    """Each active leaf with the words that point to it: its own name weighs most, then its
    own keywords, the words of its name ("路灯不亮" → 路灯), its parents' names and keywords,
    and last the words of the descriptions."""
    global _cache
    if _cache is not None and _time.monotonic() - _cache[0] < 60:
        return _cache[1]
    categories = {c.pk: c for c in Category.objects.filter(active=True)}
    parents = {c.parent_id for c in categories.values() if c.parent_id}
    result = []
    for category in categories.values():
        if category.pk in parents:
            continue
        terms: list[tuple[str, float]] = [(category.name, 3.0)]
        terms += [(word, 1.5) for word in category.keywords.split()]
        terms += [(word, 1.0) for word in _words(category.name) if word != category.name]
        terms += [(word, 0.3) for word in _words(category.description)]
        node = categories.get(category.parent_id) if category.parent_id else None
        weight = 1.0
        while node is not None:
            terms.append((node.name, weight))
            terms += [(word, weight) for word in node.keywords.split()]
            terms += [(word, weight * 0.3) for word in _words(node.description)]
            node = categories.get(node.parent_id) if node.parent_id else None
            weight /= 2
        # One word counts once per leaf, at its highest weight.
        best: dict[str, float] = {}
        for word, w in terms:
            if word and w > best.get(word, 0.0):
                best[word] = w
        result.append((category, list(best.items())))
    _cache = (_time.monotonic(), result)
    return result


def suggest_categories(text: str, limit: int = 3) -> list[Suggestion]:
    text = text.strip()
    if len(text) < 2:
        return []
    scored = []
    for category, terms in _leaf_terms():
        hits = [(term, weight) for term, weight in terms if term and term in text]
        if hits:
            score = sum(weight for _, weight in hits)
            scored.append(Suggestion(category, score, "、".join(term for term, _ in hits[:4])))
    scored.sort(key=lambda s: (-s.score, s.category.code))
    return scored[:limit]
