"""The joint-handling page (并联办理): every unit on an order sees every part's progress."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from civicdesk.orders.joint import parts_of, unit_part_figures
from civicdesk.orders.models import Assignment, AssignmentRole
from civicdesk.orders.permissions import visible_order
from civicdesk.org.web import current_user

FIGURE_DAYS = 90


@login_required
def joint(request: HttpRequest, number: str) -> HttpResponse:
    user = current_user(request)
    order = visible_order(user, number)
    now = timezone.now()
    parts = parts_of(order, now)
    lead = Assignment.objects.filter(order=order, role=AssignmentRole.LEAD, active=True).select_related("unit").first()
    active = [p for p in parts if p.assignment.active]
    unit_ids = {p.assignment.unit_id for p in parts} | ({lead.unit_id} if lead else set())
    context = {
        "order": order,
        "lead": lead,
        "parts": parts,
        "given": sum(1 for p in active if p.given),
        "owed": sum(1 for p in active if not p.given),
        "overdue": sum(1 for p in active if p.overdue),
        "figures": unit_part_figures(unit_ids=unit_ids, since=now - timedelta(days=FIGURE_DAYS), now=now),
        "figure_days": FIGURE_DAYS,
        "now": now,
    }
    return render(request, "orders/joint.html", context)
