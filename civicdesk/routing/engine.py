"""The dispatch model: category from the text, unit from category × area.

Pure Python on plain values (no database), so that it can be pickled into a model version
and benchmarked alone. Three parts:

* a text classifier (civicdesk.text.textclassify) over the leaf categories of closed orders,
  with the catalogue's own words (names at every level, keywords, descriptions) as extra
  pseudo-documents and keyword seeds;
* for the unit, a smoothed history table P(unit | category, area): counts of the final
  responsible unit of closed orders (after returns and re-dispatches) per category and per
  category × area at every level, each level shrunk towards the level above it and the top
  level towards the dispatch catalogue's unit (``M`` pseudo-orders), so that a catalogue
  rule decides when there is no history and history overrides a rule that keeps being
  returned;
* a few recent supporting orders (number, title) per category × unit and per category ×
  area × unit: the "similar past orders" a handler may check.

P(unit | text, area) = Σ_c P(c | text) · P(unit | c, area). The category probabilities are
temperature-calibrated; the history table is an empirical frequency; their mixture's
calibration is measured on the held-back orders (see routing.training) and shown.
"""

from __future__ import annotations

import pickle
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from civicdesk.text.textclassify import RoutingClassifier, join_message

FORMAT = 1
# Pseudo-orders each level of the history table borrows from the level above (and the top
# level from the catalogue's unit).
SMOOTHING = 2.0
# Share of the catalogue prior left to units the catalogue does not name.
CATALOGUE_DOUBT = 0.1
EXAMPLES_PER_KEY = 3
# The text classifier learns from at most this many of the most recent orders (about 75 per
# category of a city's catalogue of ~130 leaves): the linear SVM's time grows faster than
# the data (18,000 orders × 139 categories took 130 s on this 2-core machine, 12,000 about
# 125 s of a 100,000-order training under load); the unit history tables count every order.
MAX_TEXT_ORDERS = 10_000
CATEGORY_CANDIDATES = 5


@dataclass(frozen=True)
class TrainingOrder:
    """One closed order as the model learns from it."""

    number: str
    title: str
    content: str
    category_id: int
    unit_id: int
    # the order's area and its ancestors, nearest first (empty when unknown)
    area_lineage: tuple[int, ...] = ()
    closed_at: float = 0.0
    # the unit today's dispatch catalogue names for the category and area
    catalogue_unit: int | None = None

    @property
    def text(self) -> str:
        return join_message(self.title, self.content)


@dataclass(frozen=True)
class CategoryDoc:
    """A category of the catalogue as text: the cold-start knowledge."""

    category_id: int
    label: str  # unique, human-readable ("市政道路/路面破损")
    parent_text: str
    own_text: str
    # a leaf of the tree: a class of the text model even before any order of it closed
    leaf: bool = False


# catalogue(category_id, area_lineage) → unit id of the catalogue rule, or None
CatalogueLookup = Callable[[int, tuple[int, ...]], int | None]


@dataclass
class DispatchModel:
    classifier: RoutingClassifier | None = None
    label_category: dict[str, int] = field(default_factory=dict)
    single_category: int | None = None  # when every training order had the same category
    # (category, area or None, the catalogue's unit) → final unit counts, for the order's
    # area and each area above it. Keyed by the catalogue's unit too, so that where the
    # catalogue has a rule per town the towns' histories are never mixed.
    unit_counts: dict[tuple[int, int | None, int | None], dict[int, int]] = field(default_factory=dict)
    examples: dict[tuple[int, int | None, int], list[tuple[str, str]]] = field(default_factory=dict)
    train_size: int = 0
    seconds: float = 0.0

    # -- training

    @classmethod
    def train(
        cls,
        orders: Sequence[TrainingOrder],
        docs: Iterable[CategoryDoc] = (),
        *,
        n_jobs: int = 1,
        max_text_orders: int = MAX_TEXT_ORDERS,
    ) -> DispatchModel:
        """Learn from closed orders, oldest first (the text classifier from the most recent
        `max_text_orders` of them)."""
        started = time.perf_counter()
        if not orders:
            raise ValueError("no closed orders to learn from")
        model = cls(train_size=len(orders))
        docs = list(docs)
        label_of = {d.category_id: d.label for d in docs}
        recent_orders = list(orders[-max_text_orders:])
        labels = [label_of.get(o.category_id, f"#{o.category_id}") for o in recent_orders]
        model.label_category = {label_of.get(o.category_id, f"#{o.category_id}"): o.category_id for o in recent_orders}
        model.label_category.update({d.label: d.category_id for d in docs if d.leaf})
        if len(set(labels)) >= 2:
            # The categories of the history and every leaf of the catalogue: a leaf no closed
            # order has carried yet is still known by its words (as the cold start knows it).
            present = set(labels)
            taxonomy = [(d.label, d.parent_text, d.own_text) for d in docs if d.label in present or d.leaf]
            # Above 10,000 orders a 10 % holdout calibrates as well as 3-fold scores, at a
            # quarter of the cost.
            # No latent topics here: the center has no unlabelled pool beyond these orders, and the
            # SVD over 10,000 texts alone would take most of the training budget on 2 cores.
            model.classifier = RoutingClassifier(n_jobs=n_jobs, calibration_holdout_above=10_000, lsa_components=0).fit(
                [o.text for o in recent_orders], labels, taxonomy=taxonomy, taxonomy_classes=True
            )
        else:
            model.single_category = recent_orders[0].category_id

        counts: dict[tuple[int, int | None, int | None], Counter[int]] = defaultdict(Counter)
        recent: dict[tuple[int, int | None, int], list[tuple[float, str, str]]] = defaultdict(list)
        for o in orders:
            counts[(o.category_id, None, o.catalogue_unit)][o.unit_id] += 1
            recent[(o.category_id, None, o.unit_id)].append((o.closed_at, o.number, o.title))
            for area_id in o.area_lineage:
                counts[(o.category_id, area_id, o.catalogue_unit)][o.unit_id] += 1
                recent[(o.category_id, area_id, o.unit_id)].append((o.closed_at, o.number, o.title))
        model.unit_counts = {key: dict(c) for key, c in counts.items()}
        model.examples = {
            key: [(n, t) for _at, n, t in sorted(rows, reverse=True)[:EXAMPLES_PER_KEY]] for key, rows in recent.items()
        }
        model.seconds = time.perf_counter() - started
        return model

    # -- prediction

    def category_distributions(
        self, texts: Sequence[str], k: int = CATEGORY_CANDIDATES
    ) -> list[list[tuple[int, float]]]:
        """For each text, the k most likely categories (id, calibrated probability)."""
        if self.classifier is None:
            only = self.single_category
            return [[(only, 1.0)] if only is not None else [] for _ in texts]
        probs = self.classifier.predict_proba(list(texts))
        classes = self.classifier.classes_
        result = []
        for row in probs:
            order = row.argsort()[::-1][:k]
            result.append([(self.label_category[classes[i]], float(row[i])) for i in order])
        return result

    def decisive_words(self, text: str, category_id: int, k: int = 5) -> list[str]:
        """The words of the text that most favoured the category in the text classifier."""
        if self.classifier is None:
            return []
        for label, cid in self.label_category.items():
            if cid == category_id:
                return self.classifier.decisive_words(text, label, k)
        return []

    def unit_distribution(
        self, category_id: int, area_lineage: tuple[int, ...], catalogue_unit: int | None
    ) -> dict[int, float]:
        """P(unit | category, area): the catalogue's unit, then how often the catalogue's
        answer held for this category, then history from the widest area down to the most
        specific one, each level shrunk towards the one before."""
        # The catalogue is usually right, never certainly: part of the prior is left to
        # "some other unit", so that agreeing history approaches 1 without reaching it.
        dist: dict[int, float] = {catalogue_unit: 1.0 - CATALOGUE_DOUBT} if catalogue_unit is not None else {}
        levels = [self.unit_counts.get((category_id, a, catalogue_unit)) for a in (None, *reversed(area_lineage))]
        for counts in levels:
            if not counts:
                continue
            n = sum(counts.values())
            units = set(counts) | set(dist)
            dist = {u: (counts.get(u, 0) + SMOOTHING * dist.get(u, 0.0)) / (n + SMOOTHING) for u in units}
        return dist

    def history_count(
        self, category_id: int, area_lineage: tuple[int, ...], unit_id: int, catalogue_unit: int | None
    ) -> tuple[int, int | None]:
        """How many training orders of the category (in the most specific area that has any)
        ended at the unit, and that area (None: the category as a whole)."""
        for area_id in area_lineage:
            counts = self.unit_counts.get((category_id, area_id, catalogue_unit))
            if counts and counts.get(unit_id):
                return counts[unit_id], area_id
        counts = self.unit_counts.get((category_id, None, catalogue_unit)) or {}
        return counts.get(unit_id, 0), None

    def supporting_orders(self, category_id: int, area_lineage: tuple[int, ...], unit_id: int) -> list[tuple[str, str]]:
        for area_id in area_lineage:
            rows = self.examples.get((category_id, area_id, unit_id))
            if rows:
                return rows
        return self.examples.get((category_id, None, unit_id), [])

    # -- persistence

    def to_bytes(self) -> bytes:
        return pickle.dumps({"format": FORMAT, "model": self}, protocol=pickle.HIGHEST_PROTOCOL)

    @classmethod
    def from_bytes(cls, data: bytes) -> DispatchModel:
        """Only for artefacts this project wrote into its own database (this is pickle)."""
        payload = pickle.loads(bytes(data))  # noqa: S301 - the project's own model artefact
        if (
            not isinstance(payload, dict)
            or payload.get("format") != FORMAT
            or not isinstance(payload.get("model"), cls)
        ):
            raise ValueError("not a DispatchModel artefact of a supported format")
        model: DispatchModel = payload["model"]
        return model
