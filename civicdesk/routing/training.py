"""Training a dispatch model version from the center's closed orders, and the rule that
decides whether it goes live.

Labels: the order's category, and its final responsible unit — the unit the hub last sent
it to (after every return and re-dispatch; when that unit passed it down to a village, the
unit the hub chose, which is what a dispatcher must choose again).

Honest figures: the closed orders are sorted by closing time; the most recent
ROUTING_HOLDOUT_PERCENT % are held back and the model is trained on the older ones only.
The new version and the active one (or, with none, the catalogue cold start) are scored on
those same held-back orders — neither has seen them — and the new version goes live
automatically only when it is not worse on any headline figure. The version kept is the
one that was scored, so its figures describe exactly the model that suggests.
"""

from __future__ import annotations

import logging
import math
import time
import traceback
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from civicdesk.catalogue.models import Area, Category
from civicdesk.orders.models import Assignment, AssignmentRole, WorkOrder
from civicdesk.orders.workflow import State
from civicdesk.org.models import User
from civicdesk.routing import gazetteer, suggestions
from civicdesk.routing.engine import DispatchModel, TrainingOrder
from civicdesk.routing.models import ModelVersion, VersionStatus
from civicdesk.text.textclassify import macro_f1_report

logger = logging.getLogger("civicdesk.routing")

HEADLINE = ("category_accuracy", "unit_accuracy", "unit_accuracy_given_category")
MIN_TRAIN = 20
MIN_HOLDOUT = 5
BINS = 10


def holdout_percent() -> float:
    return float(getattr(settings, "ROUTING_HOLDOUT_PERCENT", 20))


# --------------------------------------------------------------------------- data


@dataclass(frozen=True)
class LabelledOrder:
    order: TrainingOrder
    address: str
    area_id: int | None
    closed_at: datetime


def final_units(order_ids: Sequence[int]) -> dict[int, int]:
    """Each order's final responsible unit: the lead unit of the hub's last dispatch."""
    result: dict[int, int] = {}
    rows = (
        Assignment.objects.filter(order_id__in=order_ids, role=AssignmentRole.LEAD, parent__isnull=True)
        .order_by("order_id", "dispatched_at", "pk")
        .values_list("order_id", "unit_id")
    )
    for order_id, unit_id in rows.iterator(chunk_size=5000):
        result[order_id] = unit_id  # the last one wins
    return result


def closed_orders() -> list[LabelledOrder]:
    """Every closed, categorised, dispatched order, oldest closing first."""
    gazetteer.ensure_loaded()
    ref = suggestions._load_reference()
    rows = list(
        WorkOrder.objects.filter(
            state=State.CLOSED, category__isnull=False, closed_at__isnull=False, first_dispatched_at__isnull=False
        )
        .order_by("closed_at", "pk")
        .values_list("pk", "number", "title", "content", "address", "category_id", "area_id", "closed_at")
    )
    units: dict[int, int] = {}
    step = 20_000
    for start in range(0, len(rows), step):
        units.update(final_units([r[0] for r in rows[start : start + step]]))
    result = []
    for pk, number, title, content, address, category_id, area_id, closed_at in rows:
        unit_id = units.get(pk)
        if unit_id is None or closed_at is None:
            continue
        if area_id is None:
            match = gazetteer.recognise(address, content)
            area_id = match.area.pk if match is not None else None
        lineage = ref.area_lineage(area_id)
        rule = ref.catalogue_rule(category_id, lineage)
        result.append(
            LabelledOrder(
                TrainingOrder(
                    number,
                    title,
                    content,
                    category_id,
                    unit_id,
                    lineage,
                    closed_at.timestamp(),
                    rule.unit_id if rule is not None else None,
                ),
                address,
                area_id,
                closed_at,
            )
        )
    return result


def split(
    rows: Sequence[LabelledOrder], percent: float | None = None
) -> tuple[list[LabelledOrder], list[LabelledOrder]]:
    """(older orders to train on, the most recent `percent` % held back)."""
    percent = holdout_percent() if percent is None else percent
    held = max(MIN_HOLDOUT, math.ceil(len(rows) * percent / 100))
    cut = len(rows) - held
    return list(rows[:cut]), list(rows[cut:])


# --------------------------------------------------------------------------- evaluation


def evaluate(model: suggestions.ActiveModel | None, rows: Sequence[LabelledOrder]) -> dict[str, Any]:
    """Figures of a model (None: the catalogue cold start) on labelled orders it never saw."""
    ref = suggestions._load_reference()
    areas: dict[int, Area] = ref.areas
    categories: dict[int, Category] = ref.categories
    free = [
        (r.order.title, r.order.content, r.address, areas.get(r.area_id) if r.area_id else None, None) for r in rows
    ]
    given = [
        (t, c, a, ar, categories.get(r.order.category_id)) for (t, c, a, ar, _x), r in zip(free, rows, strict=True)
    ]
    by_text = suggestions.suggest_many(free, limit=1, model=model)
    by_category = suggestions.suggest_many(given, limit=1, model=model)
    truth_cat = [str(r.order.category_id) for r in rows]
    pred_cat = [str(s.categories[0].category.pk) if s.categories else "-" for s in by_text]
    accuracy, per_f1, macro = macro_f1_report(truth_cat, pred_cat)
    unit_hits = [bool(s.best and s.best.unit.pk == r.order.unit_id) for s, r in zip(by_text, rows, strict=True)]
    given_hits = [bool(s.best and s.best.unit.pk == r.order.unit_id) for s, r in zip(by_category, rows, strict=True)]
    confidences = [s.best.unit_confidence if s.best else 0.0 for s in by_category]

    per_category: dict[str, dict[str, Any]] = {}
    counts = Counter(r.order.category_id for r in rows)
    for category_id, n in counts.items():
        mine = [i for i, r in enumerate(rows) if r.order.category_id == category_id]
        category = categories.get(category_id)
        per_category[str(category_id)] = {
            "name": category.full_name() if category else str(category_id),
            "n": n,
            "category_f1": per_f1.get(str(category_id), 0.0),
            "unit_accuracy_given_category": sum(given_hits[i] for i in mine) / n,
            "bins": _bins([confidences[i] for i in mine], [given_hits[i] for i in mine]),
        }
    n = max(len(rows), 1)
    overall_bins = _bins(confidences, given_hits)
    return {
        "n": len(rows),
        "category_accuracy": accuracy,
        "category_macro_f1": macro,
        "unit_accuracy": sum(unit_hits) / n,
        "unit_accuracy_given_category": sum(given_hits) / n,
        "calibration": overall_bins,
        "ece": sum(abs(b[2] - b[3]) * b[0] for b in overall_bins if b[0]) / n,
        "per_category": per_category,
    }


def _bins(confidences: Sequence[float], hits: Sequence[bool]) -> list[list[float]]:
    """Ten confidence bins: [count, correct, mean confidence, accuracy]."""
    bins = [[0.0, 0.0, 0.0, 0.0] for _ in range(BINS)]
    for conf, hit in zip(confidences, hits, strict=True):
        b = bins[min(int(conf * BINS), BINS - 1)]
        b[0] += 1
        b[1] += 1 if hit else 0
        b[2] += conf
    for b in bins:
        if b[0]:
            b[2] /= b[0]
            b[3] = b[1] / b[0]
    return bins


def at_threshold(bins: Sequence[Sequence[float]], threshold: float) -> tuple[int, float | None]:
    """From a category's bins: how many held-back orders reach `threshold` (counted by whole
    bins from the threshold's bin up) and the share of them the model got right."""
    start = min(int(threshold * BINS), BINS - 1)
    n = sum(int(b[0]) for b in bins[start:])
    correct = sum(b[1] for b in bins[start:])
    return n, (correct / n if n else None)


def not_worse(candidate: dict[str, Any], baseline: dict[str, Any]) -> bool:
    return all(float(candidate[k]) >= float(baseline[k]) - 1e-9 for k in HEADLINE)


# --------------------------------------------------------------------------- versions


def new_version(*, trigger: str, user: User | None = None) -> ModelVersion:
    for _attempt in range(5):
        number = (ModelVersion.objects.aggregate(m=Max("number"))["m"] or 0) + 1
        try:
            with transaction.atomic():
                return ModelVersion.objects.create(
                    number=number, trigger=trigger, requested_by=user, created_at=timezone.now()
                )
        except IntegrityError:
            continue
    raise RuntimeError("could not allocate a model version number")


def activate(version: ModelVersion, *, by: User | None, decision: str = "") -> ModelVersion:
    """Make `version` the one that suggests (an admin's choice, or the not-worse rule)."""
    if version.status != VersionStatus.READY:
        raise ValueError(_("只有训练完成的版本才能启用。"))
    with transaction.atomic():
        list(ModelVersion.objects.select_for_update().filter(active=True))
        ModelVersion.objects.filter(active=True).exclude(pk=version.pk).update(active=False)
        version.active = True
        version.activated_at = timezone.now()
        version.activated_by = by
        if decision:
            version.decision = decision
        version.save(update_fields=["active", "activated_at", "activated_by", "decision"])
    suggestions.forget_model()
    return version


def current_active(excluding: int | None = None) -> ModelVersion | None:
    qs = ModelVersion.objects.filter(active=True, status=VersionStatus.READY)
    if excluding is not None:
        qs = qs.exclude(pk=excluding)
    return qs.first()


def train_version(version_id: int, *, auto_activate: bool = True, n_jobs: int | None = None) -> ModelVersion:
    """Train the (already created) version, score it and maybe put it live."""
    version = ModelVersion.objects.get(pk=version_id)
    started = time.perf_counter()
    try:
        rows = closed_orders()
        if len(rows) < MIN_TRAIN + MIN_HOLDOUT:
            raise _NotEnough(
                _("已办结工单不足（%(n)s 件，至少需要 %(m)s 件）。") % {"n": len(rows), "m": MIN_TRAIN + MIN_HOLDOUT}
            )
        train, held = split(rows)
        # Tokenising a large history in two processes (the machine's two cores) halves its time.
        jobs = n_jobs if n_jobs is not None else (2 if len(train) > 20_000 else 1)
        model = DispatchModel.train([r.order for r in train], suggestions.category_docs(), n_jobs=jobs)
        candidate = suggestions.ActiveModel(version.pk, version.number, model, time.monotonic())
        figures = evaluate(candidate, held)
        active = current_active(excluding=version.pk)
        if active is not None and active.artefact:
            base_model = suggestions.ActiveModel(
                active.pk, active.number, DispatchModel.from_bytes(bytes(active.artefact)), time.monotonic()
            )
            baseline = evaluate(base_model, held)
            base_label = f"v{active.number}"
        else:
            baseline = evaluate(None, held)
            base_label = _("派单目录（冷启动）")
        passes = not_worse(figures, baseline)
        figures["baseline"] = {"label": base_label, **{k: baseline[k] for k in (*HEADLINE, "category_macro_f1")}}
        figures["baseline_per_category"] = {
            k: {"unit_accuracy_given_category": v["unit_accuracy_given_category"], "category_f1": v["category_f1"]}
            for k, v in baseline["per_category"].items()
        }
        version.artefact = model.to_bytes()
        version.train_size = len(train)
        version.holdout_size = len(held)
        version.trained_until = held[0].closed_at
        version.category_accuracy = figures["category_accuracy"]
        version.category_macro_f1 = figures["category_macro_f1"]
        version.unit_accuracy = figures["unit_accuracy"]
        version.unit_accuracy_given_category = figures["unit_accuracy_given_category"]
        version.figures = figures
        version.status = VersionStatus.READY
        version.trained_at = timezone.now()
        version.seconds = time.perf_counter() - started
        if passes:
            version.decision = _("在相同的 %(n)s 件留出工单上各项指标均不低于%(base)s，自动上线。") % {
                "n": len(held),
                "base": base_label,
            }
        else:
            version.decision = _("在相同的 %(n)s 件留出工单上有指标低于%(base)s，未上线。") % {
                "n": len(held),
                "base": base_label,
            }
        version.save()
        if passes and auto_activate:
            activate(version, by=None)
    except Exception as exc:
        version.status = VersionStatus.FAILED
        version.error = str(exc) if isinstance(exc, _NotEnough) else traceback.format_exc(limit=5)
        version.decision = _("训练失败：%(error)s") % {"error": str(exc)[:200]}
        version.seconds = time.perf_counter() - started
        version.artefact = None
        version.save()
        if not isinstance(exc, _NotEnough):
            logger.exception("training model version %s failed", version.number)
    return version


class _NotEnough(Exception):
    pass
