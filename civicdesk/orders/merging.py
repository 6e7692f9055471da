"""Which orders a new one may repeat (重复件), for merging: the same caller, the same area
and category, the same matter at the same place (the similarity hotspots are grouped by:
civicdesk.text.similar), the same hotspot, or an open order of the same category lately.

Apps above the core add their own reasons through register_related (the hotspots app: "in
the same hotspot"), so the core imports none of them."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from civicdesk.catalogue.gazetteer import city_reader
from civicdesk.orders.models import WorkOrder
from civicdesk.orders.permissions import visible_orders
from civicdesk.orders.workflow import OPEN, State
from civicdesk.org.models import User
from civicdesk.text import similar

MERGE_WINDOW = timedelta(days=30)
TITLE_SIMILAR = 0.25
NOT_PARENT = (State.MERGED, State.VOID, State.TRANSFERRED)
_PUNCT = re.compile(r"[\s\W_]+")


def _bigrams(text: str) -> set[str]:
    text = _PUNCT.sub("", text)
    if len(text) < 2:
        return {text} if text else set()
    return {text[i : i + 2] for i in range(len(text) - 1)}


def title_similarity(a: str, b: str) -> float:
    """Overlap of the titles' character pairs (Chinese has no spaces between words)."""
    x, y = _bigrams(a), _bigrams(b)
    if not x or not y:
        return 0.0
    return len(x & y) / len(x | y)


# (order, pool) → ids of the pool's orders the app finds related to the order.
Related = Callable[[WorkOrder, list[WorkOrder]], set[int]]
_related: dict[str, Related] = {}


def register_related(name: str, related: Related) -> None:
    _related[name] = related


@dataclass
class Candidate:
    order: WorkOrder
    score: float
    reasons: list[str]


def merge_candidates(user: User, order: WorkOrder, limit: int = 12) -> list[Candidate]:
    """Orders this one may repeat: same caller, same area and category, a similar title, or
    an open order of the same category lately; best first."""
    since = timezone.now() - MERGE_WINDOW
    base = (
        visible_orders(user)
        .filter(hub=order.hub_id, parent__isnull=True, created_at__gte=since)
        .exclude(pk=order.pk)
        .exclude(state__in=NOT_PARENT)
    )
    related = Q(state__in=sorted(OPEN))
    if order.citizen_phone:
        related |= Q(citizen_phone=order.citizen_phone)
    if order.area_id and order.category_id:
        related |= Q(area=order.area_id, category=order.category_id)
    pool = list(base.filter(related).select_related("lead_unit", "category", "area").order_by("-created_at")[:500])
    reader = city_reader()
    # Titles only: a page compares up to 500 orders, and a caller's text repeats boilerplate.
    mine = reader.features(order.title)
    grouped: set[int] = set()
    for find in _related.values():
        grouped |= find(order, pool)
    found = []
    for other in pool:
        reasons: list[str] = []
        score = 0.0
        if order.citizen_phone and other.citizen_phone == order.citizen_phone:
            reasons.append(_("同一来电号码"))
            score += 3
        if (
            order.area_id
            and order.category_id
            and (other.area_id, other.category_id) == (order.area_id, order.category_id)
        ):
            reasons.append(_("同区域同分类"))
            score += 2
        match = similar.compare(mine, reader.features(other.title))
        if match is not None:
            if match.same_place:
                reasons.append(_("同一地点同一事项（相似度%(p)d%%）") % {"p": round(match.cosine * 100)})
            else:
                reasons.append(_("内容相近（%(p)d%%）") % {"p": round(match.cosine * 100)})
            score += 2 + 4 * match.cosine
        similarity = title_similarity(order.title, other.title)
        if similarity >= TITLE_SIMILAR:
            reasons.append(_("标题相近（%(p)d%%）") % {"p": round(similarity * 100)})
            score += 4 * similarity
        if other.pk in grouped:
            reasons.append(_("同一热点"))
            score += 2
        if not reasons and other.state in OPEN and order.category_id and other.category_id == order.category_id:
            reasons.append(_("近期同类未办结"))
            score += 0.5
        if reasons:
            if other.state in OPEN:
                score += 0.25
            found.append(Candidate(other, score, reasons))
    found.sort(key=lambda c: (-c.score, -c.order.created_at.timestamp()))
    return found[:limit]
