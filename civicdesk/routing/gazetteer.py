"""Recognising the area (town, village, community) an order is about from its address and
content: a gazetteer of the city's areas and their aliases, matched on jieba words.

Every name and alias is added to jieba's dictionary, so "石岛镇马家村东头" segments into
"石岛镇 / 马家村 / 东头" and an area is found only as a whole word, never inside another
name. The address is trusted before the content; a village whose town is also named wins
over a namesake elsewhere; the deepest area found is the answer.
"""

from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass

from civicdesk.catalogue.models import Area
from civicdesk.text import textclassify

_ALIAS_SPLIT = re.compile(r"[\s,，、;；/]+")
_TTL = 60.0


@dataclass(frozen=True)
class AreaMatch:
    area: Area
    word: str
    where: str  # "address" or "content"


@dataclass
class _Gazetteer:
    loaded_at: float
    areas: dict[int, Area]
    # word → ids of the areas it names (a village name may repeat in two towns)
    words: dict[str, tuple[int, ...]]


_lock = threading.Lock()
_state: _Gazetteer | None = None
_added_words: set[str] = set()


def area_words(area: Area) -> list[str]:
    """The name and aliases of an area (aliases separated by spaces, commas or 、)."""
    found = [area.name.strip()]
    found += [a.strip() for a in _ALIAS_SPLIT.split(area.aliases or "") if a.strip()]
    return [w for w in dict.fromkeys(found) if len(w) >= 2]


def forget(**kwargs: object) -> None:
    global _state
    with _lock:
        _state = None


def _load() -> _Gazetteer:
    global _state
    state = _state
    if state is not None and time.monotonic() - state.loaded_at < _TTL:
        return state
    with _lock:
        if _state is not None and time.monotonic() - _state.loaded_at < _TTL:
            return _state
        areas = {a.pk: a for a in Area.objects.filter(active=True).select_related("parent")}
        words: dict[str, list[int]] = {}
        for area in areas.values():
            for word in area_words(area):
                words.setdefault(word, []).append(area.pk)
        jieba = textclassify._jieba()
        new_words = [w for w in words if w not in _added_words]
        for word in new_words:
            # A high frequency so that the whole name wins over its pieces.
            jieba.add_word(word, freq=200_000)
            _added_words.add(word)
        if new_words:
            # Memoised segmentations from before the words were known would miss them.
            textclassify.clear_token_cache()
        _state = _Gazetteer(time.monotonic(), areas, {w: tuple(ids) for w, ids in words.items()})
        return _state


def ensure_loaded() -> None:
    """Teach jieba the area names (training and prediction must segment alike)."""
    _load()


def _lineage(areas: dict[int, Area], area_id: int) -> list[int]:
    chain: list[int] = []
    node: int | None = area_id
    while node is not None and node in areas and len(chain) < 6:
        chain.append(node)
        node = areas[node].parent_id
    return chain


def recognise(address: str = "", content: str = "") -> AreaMatch | None:
    """The most specific area named in the address (else the content), or None."""
    state = _load()
    if not state.words:
        return None
    for where, text in (("address", address), ("content", content)):
        text = (text or "").strip()
        if not text:
            continue
        hits: list[tuple[int, str]] = []
        for token in textclassify.tokenize(text):
            for area_id in state.words.get(token, ()):
                hits.append((area_id, token))
        if not hits:
            continue
        named = {area_id for area_id, _ in hits}

        def rank(
            hit: tuple[int, str], named: set[int] = named, hits: list[tuple[int, str]] = hits
        ) -> tuple[int, int, int]:
            area_id, _word = hit
            chain = _lineage(state.areas, area_id)
            # ancestors also named in the text confirm the match (马家村 of 石岛镇)
            confirmed = sum(1 for a in chain[1:] if a in named)
            return (confirmed, state.areas[area_id].level, -hits.index(hit))

        best = max(hits, key=rank)
        # A bare namesake in two places with nothing to tell them apart is not an answer.
        area_id, word = best
        rivals = [a for a in state.words.get(word, ()) if a != area_id]
        if rivals and rank(best)[:2] <= max(rank((r, word))[:2] for r in rivals):
            shallower = [h for h in hits if h[1] != word]
            if not shallower:
                continue
            area_id, word = max(shallower, key=rank)
        return AreaMatch(state.areas[area_id], word, where)
    return None
