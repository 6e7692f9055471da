"""What a demo visitor finds behind the seat schedule, the online desk and 质检: operator
groups with seat shifts (early, late and night on working days, day and night on days off),
a staffing page whose forecast and plan both come from the demo, the chat staffed on the
days off where the portal sends it, an inspection queue filled by the sampling rule over the
demo's calls, scores with deductions, one appeal decided and one waiting."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from civicdesk.chat import hours
from civicdesk.demo.city import HUB_CODE
from civicdesk.intake.models import Call
from civicdesk.orders.models import OrderEvent
from civicdesk.orders.workflow import CREATE
from civicdesk.org.models import OrgUnit, User
from civicdesk.portal import service
from civicdesk.quality.models import Deduction, Inspection, InspectionState, Picked
from civicdesk.quality.sampling import monday
from civicdesk.worktime.duty import coverage_gaps, non_working_days
from civicdesk.worktime.limits import work_calendar
from civicdesk.worktime.models import DutyShift, OperatorGroup
from tests.console.helpers import client_for, text

pytestmark = pytest.mark.django_db


def _demo() -> None:
    call_command("demo", no_serve=True, orders=120, stdout=StringIO())


def _counts() -> dict[str, int]:
    return {m.__name__: m.objects.count() for m in (Call, DutyShift, OperatorGroup, Inspection, Deduction)}


def test_the_demo_shows_a_seat_schedule_a_weekend_chat_and_inspections() -> None:
    _demo()
    first = _counts()
    hub = OrgUnit.objects.get(code=HUB_CODE)
    today = timezone.localdate()
    calendar = work_calendar()

    # Seat shifts on working days per operator group, the night seat running into the next day.
    groups = {g.name: g for g in OperatorGroup.objects.filter(hub=hub)}
    assert {"普通话组", "夜班组"} <= set(groups) and all(g.members.exists() for g in groups.values())
    week = [monday(today) + timedelta(n) for n in range(14)]
    # A working day after a working day: its small hours are the night seat of the day before.
    workday = next(d for d in week if calendar.is_workday(d) and calendar.is_workday(d - timedelta(1)))
    seats = DutyShift.objects.filter(unit=hub, day=workday, group__isnull=False)
    assert {(s.starts, s.ends) for s in seats} >= {(time(8), time(16)), (time(20), time(8))}
    assert any(s.group == groups["夜班组"] and s.ends < s.starts for s in seats)

    # The staffing page: a forecast from the demo's calls, a plan from its shifts, every hour.
    page = text(client_for(User.objects.get(username="leader1")).get(f"/intake/staffing?day={workday}"))
    planned = [int(n) for n in re.findall(r'staffing-planned">(\d+)<', page)]
    assert len(planned) == 24 and min(planned) >= 1, planned  # nights too
    assert re.search(r'staffing-suggested"><strong>[1-9]', page), "no hour needs anyone"

    # The online desk is staffed on the days off where the portal sends chats (周末不打烊).
    desk = service.portal_hub()
    for day in non_working_days(today + timedelta(1), 21):
        assert hours.staffed(desk, timezone.make_aware(datetime.combine(day, time(10)))), day
    assert not coverage_gaps([desk], today, 30), "the prefecture's days off are covered"
    assert coverage_gaps([hub], today, 30), "the city center's deliberate gap (the home page warning) stays"

    # Phone orders were taken on calls their own operator answered, before the order was saved.
    linked = list(Call.objects.filter(hub=hub, order__isnull=False).select_related("order"))
    assert linked
    takers = dict(
        OrderEvent.objects.filter(action=CREATE, order__in=[c.order for c in linked]).values_list("order", "actor")
    )
    assert all(c.agent_id == takers[c.order_id] and c.answered_at <= c.order.created_at for c in linked)

    # 质检: the sampling rule's queue over the last weeks, scores with deductions, two appeals.
    items = Inspection.objects.filter(hub=hub)
    assert items.filter(state=InspectionState.QUEUED).exists()
    assert items.filter(picked=Picked.RANDOM).values("operator").distinct().count() >= 3
    assert items.filter(state=InspectionState.SCORED, deductions__isnull=False).exists()
    assert items.filter(state=InspectionState.APPEALED).count() == 1
    decided = items.get(state=InspectionState.FINAL)
    assert decided.deductions.filter(withdrawn=True).exists() and decided.decided_by_id != decided.inspector_id

    inspector = client_for(User.objects.get(username="inspector1"))
    assert "quality-empty" not in text(inspector.get("/quality/"))
    assert "quality-empty" not in text(inspector.get("/quality/?state=appealed"))
    report = text(inspector.get("/quality/report"))
    assert 'id="quality-operators"' in report and 'id="quality-teams"' in report
    assert 'id="quality-top-deductions"' in report
    mine = text(client_for(User.objects.get(username="operator1")).get("/quality/mine"))
    assert 'id="my-inspections"' in mine

    _demo()
    assert _counts() == first, "a second run must add nothing"
