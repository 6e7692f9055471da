"""Auto-dispatch: an order entering the dispatch queue goes out without a dispatcher when
its category allows it and the active model is confident enough of the unit.

It is the ordinary dispatch action, made by the system side, with the model's version and
confidence on the event ({"auto": true, "model_version": N, "confidence": c}). One
AutoDispatchDecision row per order records what was decided, whether it went out or not;
its uniqueness (with SKIP LOCKED on the order) makes the on-commit task and the sweep safe
to run at once on several workers.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from civicdesk.catalogue.models import Category
from civicdesk.orders import actions
from civicdesk.orders.errors import ActionError
from civicdesk.orders.models import WorkOrder
from civicdesk.orders.store import RecordedEvent, Store
from civicdesk.orders.workflow import State
from civicdesk.routing import suggestions
from civicdesk.routing.models import AutoDispatchDecision, AutoDispatchSetting, Outcome
from civicdesk.routing.tasks import auto_dispatch_order

logger = logging.getLogger("civicdesk.routing")

# The sweep looks back this far for orders the on-commit task missed (worker down, crash).
SWEEP_WINDOW = timedelta(hours=6)
SWEEP_BATCH = 200


def effective_setting(category: Category | None) -> AutoDispatchSetting | None:
    """The setting of the category or of its nearest ancestor that has one."""
    if category is None:
        return None
    lineage = category.lineage_ids()
    found = {s.category_id: s for s in AutoDispatchSetting.objects.filter(category_id__in=lineage)}
    for category_id in lineage:
        if category_id in found:
            return found[category_id]
    return None


def any_enabled() -> bool:
    return AutoDispatchSetting.objects.filter(enabled=True).exists()


def auto_dispatch(order_id: int) -> AutoDispatchDecision | None:
    """Decide (once) for an order waiting in the dispatch queue. None when another worker
    holds the order, it was decided before, or it is no longer waiting."""
    try:
        with transaction.atomic():
            order = (
                WorkOrder.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("category", "area", "hub")
                .filter(pk=order_id)
                .first()
            )
            if order is None or order.state != State.PENDING_DISPATCH:
                return None
            if AutoDispatchDecision.objects.filter(order_id=order_id).exists():
                return None
            return _decide(order)
    except IntegrityError:
        # Another worker decided at the same moment (SQLite has no SKIP LOCKED).
        return None


def _decide(order: WorkOrder) -> AutoDispatchDecision:
    now = timezone.now()
    active = suggestions.active_model()
    found = suggestions.suggest(
        title=order.title,
        content=order.content,
        address=order.address,
        area=order.area,
        category=order.category,
        limit=1,
    )
    category = order.category or (found.categories[0].category if found.categories else None)
    setting = effective_setting(category)

    def decide(outcome: str, **fields: object) -> AutoDispatchDecision:
        return AutoDispatchDecision.objects.create(
            order=order,
            decided_at=now,
            outcome=outcome,
            category=category,
            version_id=active.version_id if active is not None else None,
            **fields,
        )

    if setting is None or not setting.enabled:
        return decide(Outcome.OFF)
    if active is None:
        return decide(Outcome.NO_MODEL, threshold=setting.threshold)
    best = found.best
    if best is None:
        return decide(Outcome.NO_UNIT, threshold=setting.threshold)
    confidence = round(best.unit_confidence, 4)
    if confidence < setting.threshold:
        return decide(Outcome.BELOW, unit=best.unit, confidence=confidence, threshold=setting.threshold)
    note = _("分派模型 v%(version)s 依据：%(reason)s") % {"version": active.number, "reason": best.reason()}
    try:
        with transaction.atomic():
            actions.dispatch(
                order.pk,
                actor=None,
                lead_unit=best.unit,
                note=note[:2000],
                auto={"model_version": active.number, "confidence": confidence},
            )
    except ActionError as error:
        return decide(
            Outcome.FAILED, unit=best.unit, confidence=confidence, threshold=setting.threshold, note=error.message[:255]
        )
    return decide(Outcome.DISPATCHED, unit=best.unit, confidence=confidence, threshold=setting.threshold)


def run_auto_dispatch_sweep() -> int:
    """The safety net: orders that entered the queue recently and were never decided."""
    if not any_enabled():
        return 0
    since = timezone.now() - SWEEP_WINDOW
    candidates = list(
        WorkOrder.objects.filter(
            state=State.PENDING_DISPATCH, return_count=0, updated_at__gte=since, auto_dispatch_decision__isnull=True
        )
        .order_by("updated_at", "pk")
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    done = 0
    for order_id in candidates:
        decision = auto_dispatch(order_id)
        if decision is not None and decision.outcome == Outcome.DISPATCHED:
            done += 1
    return done


def mark_undone(order: WorkOrder, event: RecordedEvent, store: Store) -> None:
    """An undone auto-dispatch marks its decision (the order stays with the dispatchers).
    A reaction to undo_auto_dispatch, inside its transaction. The decision is a row the model
    wrote live, in the database; the orders of a history loaded in bulk have none."""
    AutoDispatchDecision.objects.filter(order_id=order.pk).update(outcome=Outcome.UNDONE)


def auto_dispatch_when_queued(order: WorkOrder, event: RecordedEvent, store: Store) -> None:
    """Right after an order entered the dispatch queue (send_to_hub, from the console,
    Open311, the API or the portal), decide on auto-dispatch in the worker. A reaction to
    send_to_hub, after its commit."""
    if any_enabled():
        auto_dispatch_order.enqueue(order.pk)
