"""The applicant company's own view of its application, on the portal (no account).

A company is known to the hotline by its contact's phone: the application's order carries the
register's contact phone (open_application), so the company's contact tracks the application
like any citizen tracks a request — its number (the application number) and the phone's last
four digits, with the portal's limits per address and per number and one answer for "no such
number" and "wrong digits" (civicdesk.portal.views.track). The tracked page then shows this
section: every department's state, deadline and what it asked to be supplied (补正), the lead
department's deadline and the summary. Not the departments' opinions: the company gets the
result the lead department assembles, as the reply."""

from __future__ import annotations

from typing import Any

from civicdesk.approvals.models import Application
from civicdesk.approvals.status import progress_of
from civicdesk.orders.models import OrderEvent, WorkOrder


def portal_section(order: WorkOrder) -> tuple[str, dict[str, Any]] | None:
    application = Application.objects.filter(order=order).select_related("order__lead_unit", "enterprise").first()
    if application is None:
        return None
    # What each department asked the company to supply, in its own words (补正).
    asked = {
        event.data.get("unit"): event.note
        for event in OrderEvent.objects.filter(order=order, action="request_material").order_by("seq")
    }
    status = progress_of(application)
    rows = [(d, asked.get(d.part.assignment.unit_id, "")) for d in status.departments]
    return "approvals/_portal_status.html", {"s": status, "rows": rows}
