"""The city's names as the text code needs them: the areas (and their aliases) are user words
of the segmenter, so "石岛管理区" stays one word and is recognised as a place. One reader per
process, rebuilt when the areas change (an admin adds a village)."""

from __future__ import annotations

import threading
import time

from django.db.models import Count, Max

from civicdesk.catalogue.models import Area
from civicdesk.text.similar import Reader

_lock = threading.Lock()
_cached: tuple[tuple[int, int], Reader] | None = None
_checked = 0.0
RECHECK_SECONDS = 60  # how soon a new area reaches a running process


def area_names() -> list[str]:
    names: list[str] = []
    for name, aliases in Area.objects.filter(active=True).values_list("name", "aliases"):
        names.append(name)
        names.extend(a for a in aliases.replace("，", ",").replace("、", ",").split(",") if a.strip())
    return [n.strip() for n in names if len(n.strip()) >= 2]


def city_reader() -> Reader:
    """The reader of requests with the city's gazetteer (cached; rebuilt when areas change)."""
    global _cached, _checked
    if _cached is not None and time.monotonic() - _checked < RECHECK_SECONDS:
        return _cached[1]
    _checked = time.monotonic()
    stamp = Area.objects.aggregate(n=Count("pk"), top=Max("pk"))
    key = (int(stamp["n"] or 0), int(stamp["top"] or 0))
    with _lock:
        if _cached is None or _cached[0] != key:
            _cached = (key, Reader(area_names()))
        return _cached[1]
