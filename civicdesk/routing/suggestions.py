"""Dispatch suggestions for a new order: the three most likely (category, unit) pairs with
their confidence and the reason — the catalogue rule that maps the category and area to
the unit, and the past orders that ended at that unit.

With an active model version the confidences are calibrated probabilities; with none
(cold start) the catalogue's own words choose the category and the catalogue's rule the
unit, and the figure shown is a match share, not a probability (auto-dispatch never acts
on it).

Reference data is held per process for a minute and dropped at once when a category,
area, rule, unit or model version is saved in this process.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext as _

from civicdesk.catalogue import suggest as catalogue_suggest
from civicdesk.catalogue.models import Area, Category, DispatchRule
from civicdesk.catalogue.suggest import suggest_categories
from civicdesk.org.models import OrgUnit
from civicdesk.routing import gazetteer
from civicdesk.routing.engine import CATEGORY_CANDIDATES, CategoryDoc, DispatchModel
from civicdesk.routing.models import ModelVersion, VersionStatus
from civicdesk.text.textclassify import join_message

_TTL = 60.0
K = TypeVar("K")
V = TypeVar("V")
_lock = threading.Lock()
logger = logging.getLogger("civicdesk.routing")


@dataclass(frozen=True)
class CategoryOption:
    category: Category
    confidence: float
    reason: str


@dataclass(frozen=True)
class Option:
    category: Category | None
    unit: OrgUnit
    confidence: float  # of this category and unit together
    unit_confidence: float  # of the unit, whatever the category
    rule: DispatchRule | None  # the catalogue rule naming this unit, if one does
    history: int  # past orders of the category (in the area) that ended at the unit
    history_area: Area | None
    examples: list[tuple[str, str]] = field(default_factory=list)  # (number, title)
    # the words of the message that most favoured the category (model suggestions only)
    words: list[str] = field(default_factory=list)

    def reason(self) -> str:
        parts = []
        if self.words:
            parts.append(_("关键词：%(words)s") % {"words": "、".join(self.words)})
        if self.rule is not None:
            parts.append(_("派单目录：%(rule)s") % {"rule": rule_text(self.rule)})
        if self.history:
            where = self.history_area.name if self.history_area is not None else _("全市")
            parts.append(_("%(where)s同类工单 %(n)s 件最终由该单位办结") % {"where": where, "n": self.history})
        return "；".join(parts) or _("模型建议")


@dataclass
class Suggestions:
    version: int | None  # number of the model version, None at cold start
    calibrated: bool
    area: Area | None
    area_match: gazetteer.AreaMatch | None
    categories: list[CategoryOption]
    options: list[Option]

    @property
    def best(self) -> Option | None:
        return self.options[0] if self.options else None


def rule_text(rule: DispatchRule) -> str:
    what = rule.category.full_name() if rule.category else _("兜底")
    where = f" @ {rule.area.name}" if rule.area else ""
    text = f"{what}{where} → {rule.unit.name}"
    return f"{text}（{rule.note}）" if rule.note else text


# --------------------------------------------------------------------------- reference data


@dataclass
class _Reference:
    loaded_at: float
    categories: dict[int, Category]
    units: dict[int, OrgUnit]
    rules: dict[tuple[int | None, int | None], DispatchRule]
    areas: dict[int, Area]

    def category_lineage(self, category_id: int) -> tuple[int, ...]:
        chain: list[int] = []
        node: int | None = category_id
        while node is not None and node in self.categories and len(chain) < 4:
            chain.append(node)
            node = self.categories[node].parent_id
        return tuple(chain)

    def area_lineage(self, area_id: int | None) -> tuple[int, ...]:
        chain: list[int] = []
        node = area_id
        while node is not None and node in self.areas and len(chain) < 6:
            chain.append(node)
            node = self.areas[node].parent_id
        return tuple(chain)

    def catalogue_rule(self, category_id: int | None, area_lineage: tuple[int, ...]) -> DispatchRule | None:
        """The same choice as catalogue.dispatch.responsible_unit, from memory."""
        for cat in self.category_lineage(category_id) if category_id is not None else ():
            for area_id in area_lineage:
                rule = self.rules.get((cat, area_id))
                if rule is not None:
                    return rule
            rule = self.rules.get((cat, None))
            if rule is not None:
                return rule
        return self.rules.get((None, None))


_reference: _Reference | None = None


def _load_reference() -> _Reference:
    global _reference
    ref = _reference
    if ref is not None and time.monotonic() - ref.loaded_at < _TTL:
        return ref
    with _lock:
        categories = {c.pk: c for c in Category.objects.filter(active=True).select_related("parent__parent")}
        units = {u.pk: u for u in OrgUnit.objects.filter(active=True)}
        areas = {a.pk: a for a in Area.objects.filter(active=True)}
        rules = {}
        for rule in DispatchRule.objects.filter(active=True, unit__active=True).select_related(
            "unit", "category__parent__parent", "area"
        ):
            rules[(rule.category_id, rule.area_id)] = rule
        ref = _Reference(time.monotonic(), categories, units, rules, areas)
        _reference = ref
        return ref


def forget(**kwargs: object) -> None:
    global _reference, _active
    _reference = None
    _active = None
    catalogue_suggest.forget()


def category_docs() -> list[CategoryDoc]:
    """Every active category as text: its ancestors' names, keywords and descriptions, and
    its own (leaves and inner nodes alike: an order may carry either)."""
    ref = _load_reference()
    docs = []
    seen: set[str] = set()
    parents = {c.parent_id for c in ref.categories.values() if c.parent_id is not None}
    for category in sorted(ref.categories.values(), key=lambda c: c.code):
        ancestors = [ref.categories[c] for c in ref.category_lineage(category.pk)[1:]]
        parent_text = " ".join(
            part for a in reversed(ancestors) for part in (a.name, a.keywords, a.description) if part
        )
        own_text = " ".join(part for part in (category.name, category.keywords, category.description) if part)
        # A label of names only: textclassify takes the label's words as keyword seeds,
        # and digits (codes, ids) would match phone numbers.
        label = "/".join([*(a.name for a in reversed(ancestors)), category.name])
        while label in seen:
            label += "·"
        seen.add(label)
        docs.append(CategoryDoc(category.pk, label, parent_text, own_text, leaf=category.pk not in parents))
    return docs


# --------------------------------------------------------------------------- the active model


# What the active model read from the texts of the last pages, per process. The dispatch board
# shows the same pending orders to every look until they are dispatched, and reading fifty texts
# again (jieba, the classifier) was a sixth of the board's CPU (issue #20). Kept on the
# ActiveModel, so a new version starts afresh; keyed by the text the classifier reads, so an
# edited order is read again. Oldest first out past MEMO_SIZE; batches larger than a page (the
# evaluation of a candidate version) go to the model directly.
MEMO_SIZE = 2048
MEMO_BATCH = 200


@dataclass
class ActiveModel:
    version_id: int
    number: int
    model: DispatchModel
    loaded_at: float
    _distributions: dict[str, list[tuple[int, float]]] = field(default_factory=dict, repr=False)
    _words: dict[tuple[str, int], list[str]] = field(default_factory=dict, repr=False)

    def category_distributions(self, texts: Sequence[str]) -> list[list[tuple[int, float]]]:
        """The model's category_distributions, each text read once while it is remembered."""
        if len(texts) > MEMO_BATCH:
            return self.model.category_distributions(texts)
        found = {t: self._distributions[t] for t in texts if t in self._distributions}
        missing = [t for t in dict.fromkeys(texts) if t not in found]
        if missing:
            for text, dist in zip(missing, self.model.category_distributions(missing), strict=True):
                found[text] = dist
                _remember(self._distributions, text, dist)
        return [found[t] for t in texts]

    def decisive_words(self, text: str, category_id: int) -> list[str]:
        key = (text, category_id)
        words = self._words.get(key)
        if words is None:
            words = self.model.decisive_words(text, category_id, k=4)
            _remember(self._words, key, words)
        return list(words)


def _remember(memo: dict[K, V], key: K, value: V) -> None:
    memo[key] = value
    while len(memo) > MEMO_SIZE:
        # Oldest first: a dict keeps the order keys came in. (Another thread of the process
        # may be at it too: whatever it took out is out.)
        try:
            memo.pop(next(iter(memo)), None)
        except (RuntimeError, StopIteration):
            break


_active: ActiveModel | None = None
_NO_MODEL_TTL = 10.0
_no_model_until = 0.0


def active_model() -> ActiveModel | None:
    """The active version's model, loaded once per process (and again after a minute, or
    at once when a version is saved in this process)."""
    global _active, _no_model_until
    current = _active
    now = time.monotonic()
    if current is not None and now - current.loaded_at < _TTL:
        return current
    if current is None and now < _no_model_until:
        return None
    row = ModelVersion.objects.filter(active=True, status=VersionStatus.READY).values_list("pk", "number").first()
    if row is None:
        _active = None
        _no_model_until = now + _NO_MODEL_TTL
        return None
    if current is not None and current.version_id == row[0]:
        current.loaded_at = now
        return current
    artefact = ModelVersion.objects.filter(pk=row[0]).values_list("artefact", flat=True).first()
    try:
        if not artefact:
            raise ValueError("the active version has no model")
        model = DispatchModel.from_bytes(bytes(artefact))
    except Exception:
        # An artefact this code cannot read (written by another release): suggest from the
        # catalogue rather than fail the intake page; an admin retrains or picks a version.
        logger.exception("cannot load the active dispatch model v%s", row[1])
        _active = None
        _no_model_until = now + _TTL
        return None
    _active = ActiveModel(row[0], row[1], model, now)
    return _active


def forget_model(**kwargs: object) -> None:
    global _active, _no_model_until
    _active = None
    _no_model_until = 0.0


# --------------------------------------------------------------------------- suggesting


def _cold_categories(text: str, ref: _Reference) -> list[tuple[int, float, str]]:
    found = suggest_categories(text, limit=CATEGORY_CANDIDATES)
    total = sum(s.score for s in found)
    # A share of the catalogue matches, damped when little matched: not a probability.
    return [(s.category.pk, s.score / (total + 2.0), s.reason) for s in found if s.category.pk in ref.categories]


def suggest(
    *,
    title: str,
    content: str,
    address: str = "",
    area: Area | None = None,
    category: Category | None = None,
    limit: int = 3,
    model: ActiveModel | bool | None = True,
) -> Suggestions:
    """Top `limit` (category, unit) pairs for one order. A chosen `category` is taken as
    certain; an `area` given by the operator wins over the one recognised in the text.
    `model=True` uses the active version; pass an ActiveModel, or None for cold start."""
    return suggest_many([(title, content, address, area, category)], limit=limit, model=model)[0]


def suggest_many(
    items: Sequence[tuple[str, str, str, Area | None, Category | None]],
    *,
    limit: int = 3,
    model: ActiveModel | bool | None = True,
) -> list[Suggestions]:
    """Suggestions for many orders at once (the board's page, the evaluation): one pass
    of the classifier over all texts."""
    ref = _load_reference()
    active = active_model() if model is True else (model or None)
    texts = [join_message(t, c) for t, c, _a, _ar, _cat in items]
    # Nothing typed yet: nothing to suggest (the classifier would still answer).
    need = [i for i, item in enumerate(items) if item[4] is None and len((item[0] + item[1]).strip()) >= 2]
    distributions: dict[int, list[tuple[int, float, str]]] = {}
    if active is not None and need:
        for i, dist in zip(need, active.category_distributions([texts[i] for i in need]), strict=True):
            distributions[i] = [(c, p, "") for c, p in dist if c in ref.categories]
    elif need:
        for i in need:
            distributions[i] = _cold_categories(" ".join(items[i][:3]), ref)
    results = []
    for i, (_title, content, address, area, chosen) in enumerate(items):
        match = None
        if area is None:
            match = gazetteer.recognise(address, content)
            area = match.area if match is not None else None
        lineage = ref.area_lineage(area.pk if area is not None else None)
        if chosen is not None:
            cats: list[tuple[int, float, str]] = [(chosen.pk, 1.0, _("已选分类"))]
        else:
            cats = distributions.get(i, [])
        results.append(_options(ref, active, cats, lineage, area, match, limit, texts[i] if chosen is None else ""))
    return results


def _options(
    ref: _Reference,
    active: ActiveModel | None,
    cats: list[tuple[int, float, str]],
    lineage: tuple[int, ...],
    area: Area | None,
    match: gazetteer.AreaMatch | None,
    limit: int,
    text: str = "",
) -> Suggestions:
    pairs: list[tuple[float, int, int, DispatchRule | None]] = []
    catalogue_units: dict[int, int | None] = {}
    unit_total: dict[int, float] = {}
    for category_id, p_category, _reason in cats:
        rule = ref.catalogue_rule(category_id, lineage)
        catalogue_unit = rule.unit_id if rule is not None else None
        catalogue_units[category_id] = catalogue_unit
        if active is not None:
            dist = active.model.unit_distribution(category_id, lineage, catalogue_unit)
        else:
            dist = {catalogue_unit: 1.0} if catalogue_unit is not None else {}
        for unit_id, p_unit in dist.items():
            if unit_id not in ref.units:
                continue
            joint = p_category * p_unit
            unit_total[unit_id] = unit_total.get(unit_id, 0.0) + joint
            pairs.append((joint, category_id, unit_id, rule if rule is not None and rule.unit_id == unit_id else None))
    pairs.sort(key=lambda p: (-p[0], p[1], p[2]))
    options = []
    for joint, category_id, unit_id, rule in pairs[:limit]:
        history, history_area_id = (0, None)
        examples: list[tuple[str, str]] = []
        words: list[str] = []
        if active is not None and text:
            words = active.decisive_words(text, category_id)  # remembered per text and category
        if active is not None:
            history, history_area_id = active.model.history_count(
                category_id, lineage, unit_id, catalogue_units.get(category_id)
            )
            examples = active.model.supporting_orders(category_id, lineage, unit_id)
        options.append(
            Option(
                category=ref.categories.get(category_id),
                unit=ref.units[unit_id],
                confidence=joint,
                unit_confidence=unit_total[unit_id],
                rule=rule,
                history=history,
                history_area=ref.areas.get(history_area_id) if history_area_id is not None else None,
                examples=list(examples),
                words=words,
            )
        )
    categories = [CategoryOption(ref.categories[c], p, reason) for c, p, reason in cats[:limit] if c in ref.categories]
    return Suggestions(
        version=active.number if active is not None else None,
        calibrated=active is not None,
        area=area,
        area_match=match,
        categories=categories,
        options=options,
    )


def connect_signals() -> None:
    for model in (Category, Area, DispatchRule, OrgUnit):
        post_save.connect(forget, sender=model, dispatch_uid=f"routing_forget_saved_{model.__name__}")
        post_delete.connect(forget, sender=model, dispatch_uid=f"routing_forget_deleted_{model.__name__}")
    for model in (Area,):
        post_save.connect(gazetteer.forget, sender=model, dispatch_uid="routing_gazetteer_saved")
        post_delete.connect(gazetteer.forget, sender=model, dispatch_uid="routing_gazetteer_deleted")
    post_save.connect(forget_model, sender=ModelVersion, dispatch_uid="routing_forget_model")


__all__ = ["Option", "Suggestions", "active_model", "category_docs", "suggest", "suggest_many"]
