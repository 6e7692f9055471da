"""The periodic sweeps the worker runs. Each is safe with several workers at once.

Each sweep runs on its own: an exception in one is logged and recorded (SweepState) and the
others still run — a broken statistics rollup must not hold back the outbox. A sweep keeps
its own transactions (the outbox commits its claims before calling a gateway, so it must not
be wrapped in one); only when the caller is already inside a transaction is the sweep put in
a savepoint, so that its failure cannot poison the caller's transaction for the next sweep.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from dataclasses import dataclass

from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone

from civicdesk.chat.actions import abandon_idle as run_chat_idle
from civicdesk.enterprises.reminders import run_licence_reminders
from civicdesk.hotspots.grouping import run_support_refresh
from civicdesk.intake.callmeasures import run_call_rollup_sweep
from civicdesk.knowledge.actions import run_expire_articles
from civicdesk.notifications.delivery import run_deliver_outbox
from civicdesk.orders.actions.consultation import run_view_reminders
from civicdesk.orders.actions.instruction import run_instruction_watch
from civicdesk.orders.actions.notices import run_notice_watch
from civicdesk.orders.actions.supervision import run_deadline_watch
from civicdesk.portal.sweeps import run_portal_cleanup
from civicdesk.quality.actions import run_quality_sampling
from civicdesk.routing.sweeps import run_routing
from civicdesk.runtime.models import SweepState
from civicdesk.runtime.taskresults import run_prune_task_results
from civicdesk.statistics.sweep import run_statistics_sweep
from civicdesk.worktime.duty import run_duty_coverage

logger = logging.getLogger("civicdesk.worker")

SWEEPS: dict[str, Callable[[], int]] = {
    "deadline_watch": run_deadline_watch,
    # Leaders' instructions not acknowledged in time (领导批示) go up to heads and leaders.
    "instruction_watch": run_instruction_watch,
    # Formal supervision notices (督办单) not answered in time.
    "notice_watch": run_notice_watch,
    # Convened units reminded once before their consultation view falls due (疑难件会商).
    "consultation_reminders": run_view_reminders,
    "routing": run_routing,  # nightly model training (once a night) and the auto-dispatch safety net
    "licence_reminders": run_licence_reminders,
    "duty_coverage": run_duty_coverage,
    "portal_cleanup": run_portal_cleanup,
    "chat_idle": run_chat_idle,  # waiting chats whose citizen page went silent end as abandoned
    "expire_articles": run_expire_articles,  # published articles past valid_to leave the citizens' results
    # A citizen's +1 raises its hotspot's heat without waiting for the next order to join.
    "hotspot_supports": run_support_refresh,
    "statistics": run_statistics_sweep,  # rollups of the changed orders, then any 日报/周报 due
    "call_rollups": run_call_rollup_sweep,  # the call measures' daily rollups of the changed calls
    "quality_sampling": run_quality_sampling,  # last week's calls into the inspection queue (质检)
    # The background tasks' finished results past their retention (CIVICDESK_TASK_RESULTS_*).
    "task_results": run_prune_task_results,
    # Last: after the deadline watch, so the notices it writes go out in the same round.
    "deliver_outbox": run_deliver_outbox,
}


@dataclass
class Round:
    """One round of all sweeps: what each moved, and the sweeps that raised."""

    counts: dict[str, int]
    failed: dict[str, str]


def _run_one(sweep: Callable[[], int]) -> int:
    if connection.in_atomic_block:
        with transaction.atomic():
            return sweep()
    return sweep()


def _record(name: str, *, count: int | None = None, error: str | None = None) -> None:
    """Upsert the sweep's row; with several workers the counter is bumped in the database."""
    now = timezone.now()
    if error is None:
        changes: dict[str, object] = {
            "last_run_at": now,
            "last_success_at": now,
            "consecutive_failures": 0,
            "last_count": count or 0,
        }
    else:
        changes = {
            "last_run_at": now,
            "last_error": error[-4000:],
            "last_error_at": now,
            "consecutive_failures": F("consecutive_failures") + 1,
        }
    with transaction.atomic():
        if SweepState.objects.filter(name=name).update(**changes):
            return
        try:
            with transaction.atomic():
                created = {
                    k: (1 if k == "consecutive_failures" and error is not None else v) for k, v in changes.items()
                }
                SweepState.objects.create(name=name, **created)
        except IntegrityError:  # another worker created it first
            SweepState.objects.filter(name=name).update(**changes)


def run_round(sweeps: dict[str, Callable[[], int]] | None = None) -> Round:
    result = Round({}, {})
    for name, sweep in (sweeps or SWEEPS).items():
        try:
            count = _run_one(sweep)
        except Exception as exc:  # any failure of one sweep is recorded; the rest go on
            logger.exception("sweep %s failed", name)
            result.failed[name] = f"{type(exc).__name__}: {exc}"
            error = "".join(traceback.format_exception(exc))
            try:
                _record(name, error=error)
            except Exception:  # the database itself may be what failed
                logger.exception("could not record the failure of sweep %s", name)
            continue
        result.counts[name] = count
        try:
            _record(name, count=count)
        except Exception:
            logger.exception("could not record the run of sweep %s", name)
    return result


def run_all() -> dict[str, int]:
    """What each sweep moved; a failed sweep is left out (it is logged and recorded)."""
    return run_round().counts
