"""What the application's status page and the statistics read: each department's part from the
order engine (civicdesk.orders.joint), who may see which parts, and the figures.

Rights: the hub's staff, the lead department, the company's liaison officers (and whoever took
the application in) see every department; an approving department sees its own part and the
summary (how many departments have answered, are waiting for material, are late), not the
other departments' opinions."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy

from civicdesk.approvals.models import Application, ApprovalStep
from civicdesk.enterprises.liaison import serves
from civicdesk.orders.joint import PartView, UnitParts, parts_of, unit_part_figures
from civicdesk.orders.models import WorkOrder
from civicdesk.orders.permissions import visible_orders
from civicdesk.orders.workflow import WITH_UNIT, State
from civicdesk.org.models import Role, User
from civicdesk.worktime.limits import work_calendar

HUB_ROLES = (Role.OPERATOR, Role.DISPATCHER, Role.SUPERVISOR, Role.LEADER, Role.ADMIN, Role.CALLBACK_AGENT)
UNIT_ROLES = (Role.HANDLER, Role.UNIT_HEAD)
STATES = {
    "waiting": gettext_lazy("待签收"),
    "reviewing": gettext_lazy("审查中"),
    "paused": gettext_lazy("补正中（暂停计时）"),
    "given": gettext_lazy("已出具意见"),
    "overdue": gettext_lazy("已超期"),
    "ended": gettext_lazy("已结束"),
    # The lead department's own states: it assembles the departments' opinions into the result.
    "assembling": gettext_lazy("汇总中"),
    "assembled": gettext_lazy("已汇总答复"),
    "suspended": gettext_lazy("已挂起（暂停计时）"),
}


@dataclass
class Department:
    part: PartView
    days: Decimal | None

    @property
    def state(self) -> str:
        p = self.part
        if p.given:
            return "given"
        if not p.assignment.active:
            return "ended"
        if p.paused:
            return "paused"
        if p.overdue:
            return "overdue"
        return "reviewing" if p.signed else "waiting"

    @property
    def state_label(self) -> str:
        return str(STATES[self.state])


@dataclass
class Lead:
    """The lead department's own part: its days are the order's handling deadline
    (civicdesk.orders.deadlines.own_handling_days), the result it assembles is the reply."""

    order: WorkOrder
    days: Decimal | None
    now: datetime

    @property
    def due(self) -> datetime | None:
        return self.order.handle_due_at

    @property
    def on_time(self) -> bool | None:
        """Whether the result came by the lead's deadline; None while it has not come."""
        replied = self.order.replied_at
        if replied is None:
            return None
        return self.due is None or replied <= self.due

    @property
    def state(self) -> str:
        o = self.order
        if o.replied_at is not None:
            return "assembled"
        if o.state not in WITH_UNIT:
            return "ended"
        if o.state == State.SUSPENDED:
            return "suspended"
        if self.due is not None and self.now > self.due:
            return "overdue"
        return "assembling" if o.signed_at is not None else "waiting"

    @property
    def state_label(self) -> str:
        return str(STATES[self.state])


@dataclass
class Status:
    application: Application
    order: WorkOrder
    departments: list[Department]
    serial_days: Decimal
    elapsed_days: float
    full: bool  # the viewer sees every department, else only `own`
    own: list[Department] = field(default_factory=list)
    lead: Lead | None = None

    @property
    def shown(self) -> list[Department]:
        return self.departments if self.full else self.own

    def count(self, state: str) -> int:
        return sum(1 for d in self.departments if d.state == state)

    @property
    def total(self) -> int:
        return len(self.departments)

    # For the templates, which cannot call count(state).
    @property
    def count_given(self) -> int:
        return self.count("given")

    @property
    def count_paused(self) -> int:
        return self.count("paused")

    @property
    def count_overdue(self) -> int:
        return self.count("overdue")


def elapsed_working_days(order: WorkOrder, now: datetime | None = None) -> float:
    """Working days from the application's dispatch to the lead's result (or now)."""
    start = order.first_dispatched_at
    if start is None:
        return 0.0
    end = order.replied_at or now or timezone.now()
    calendar = work_calendar()
    return calendar.working_minutes_between(start, end) / calendar.minutes_per_day


def sees_everything(user: User, order: WorkOrder) -> bool:
    if order.owner_id == user.pk or serves(user, order.enterprise_id):
        return True
    if any(order.hub.path.startswith(u.path) for u in user.units_with_role(*HUB_ROLES)):
        return True
    lead = order.lead_unit
    return lead is not None and any(lead.path.startswith(u.path) for u in user.units_with_role(*UNIT_ROLES))


def progress_of(application: Application, now: datetime | None = None) -> Status:
    """Every department's state and the lead's, seen by nobody in particular: what the
    company's own page shows (civicdesk.approvals.public), and the ground of status_of."""
    now = now or timezone.now()
    order = application.order
    steps = {s.unit_id: s for s in ApprovalStep.objects.filter(application=application)}
    departments = [Department(p, getattr(steps.get(p.assignment.unit_id), "days", None)) for p in parts_of(order, now)]
    lead_step = next((s for s in steps.values() if s.lead), None)
    return Status(
        application,
        order,
        departments,
        sum((s.days for s in steps.values()), Decimal(0)),
        elapsed_working_days(order, now),
        True,
        [],
        Lead(order, lead_step.days if lead_step else None, now),
    )


def status_of(user: User, application: Application, now: datetime | None = None) -> Status:
    status = progress_of(application, now)
    status.full = sees_everything(user, application.order)
    mine = [u.path for u in user.units_with_role(*UNIT_ROLES)]
    status.own = [d for d in status.departments if any(d.part.assignment.unit.path.startswith(p) for p in mine)]
    return status


def visible_applications(user: User) -> QuerySet[Application]:
    return Application.objects.filter(order__in=visible_orders(user).values("pk"))


@dataclass
class LeadFigures:
    """A lead department's applications: how many it led, assembled, assembled by its own
    deadline, and still owes past it."""

    unit_name: str
    led: int = 0
    assembled: int = 0
    on_time: int = 0
    overdue_open: int = 0


@dataclass
class Figures:
    applications: int
    finished: int
    elapsed_days: float  # summed over the applications
    serial_days: Decimal  # the sum of every department's serial time, summed over them
    departments: list[UnitParts]
    rows: list[tuple[Application, float, Decimal]]
    leads: list[LeadFigures] = field(default_factory=list)


def figures(user: User, now: datetime | None = None) -> Figures:
    """Applications the user may see: how many, per department its parts on time, and the
    working days they took against the sum of the departments' serial times."""
    now = now or timezone.now()
    applications = list(
        visible_applications(user)
        .select_related("order", "enterprise")
        .prefetch_related("steps__unit")
        .order_by("-created_at")
    )
    rows = []
    leads: dict[int, LeadFigures] = {}
    for application in applications:
        serial = sum((s.days for s in application.steps.all()), Decimal(0))
        rows.append((application, elapsed_working_days(application.order, now), serial))
        lead_step = next((s for s in application.steps.all() if s.lead), None)
        if lead_step is not None:
            lead = Lead(application.order, lead_step.days, now)
            counted = leads.setdefault(lead_step.unit_id, LeadFigures(lead_step.unit.name))
            counted.led += 1
            counted.assembled += lead.state == "assembled"
            counted.on_time += lead.on_time is True
            counted.overdue_open += lead.state == "overdue"
    orders = WorkOrder.objects.filter(pk__in=[a.order_id for a in applications])
    return Figures(
        applications=len(applications),
        finished=sum(1 for a in applications if a.order.replied_at is not None),
        elapsed_days=sum(r[1] for r in rows),
        serial_days=sum((r[2] for r in rows), Decimal(0)),
        departments=unit_part_figures(orders, now=now),
        rows=rows,
        leads=sorted(leads.values(), key=lambda f: f.unit_name),
    )
