"""The periodic sweeps the worker runs. Each is safe with several workers at once."""

from __future__ import annotations

from collections.abc import Callable

from civicdesk.enterprises.reminders import run_licence_reminders
from civicdesk.knowledge.actions import run_expire_articles
from civicdesk.notifications.delivery import run_deliver_outbox
from civicdesk.orders.actions.supervision import run_deadline_watch
from civicdesk.portal.sweeps import run_portal_cleanup
from civicdesk.routing.sweeps import run_routing
from civicdesk.statistics.sweep import run_statistics_sweep
from civicdesk.worktime.duty import run_duty_coverage

SWEEPS: dict[str, Callable[[], int]] = {
    "deadline_watch": run_deadline_watch,
    "routing": run_routing,  # nightly model training (once a night) and the auto-dispatch safety net
    "licence_reminders": run_licence_reminders,
    "duty_coverage": run_duty_coverage,
    "portal_cleanup": run_portal_cleanup,
    "expire_articles": run_expire_articles,  # published articles past valid_to leave the citizens' results
    "statistics": run_statistics_sweep,  # rollups of the changed orders, then any 日报/周报 due
    # After the deadline watch, so the notices it writes go out in the same round.
    "deliver_outbox": run_deliver_outbox,
}


def run_all() -> dict[str, int]:
    return {name: sweep() for name, sweep in SWEEPS.items()}
