"""Joint handling (并联办理): each assisting unit's part, its own deadline, and the figures
that count a unit's parts for its own score.

A part's deadline (Assignment.part_due_at) is set at dispatch: the dispatcher's number of
working days if given, else the time-limit policy's "协办时限" stage (built in: three
working days for normal orders, the handling limit for urgent ones) — never later than the
lead unit's own handling deadline, which needs the parts in time to reply.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from civicdesk.orders import deadlines
from civicdesk.orders.errors import InvalidInput
from civicdesk.orders.halfdays import half_days
from civicdesk.orders.models import Assignment, AssignmentRole, WorkOrder
from civicdesk.worktime.limits import work_calendar
from civicdesk.worktime.models import Stage

PART_DAYS_MAX = 60


def clean_part_days(value: object, field: str = "part_days") -> float | None:
    """A dispatcher's number of working days for the parts: empty, or a positive number in
    half days up to PART_DAYS_MAX."""
    if value in (None, ""):
        return None
    days = half_days(value, PART_DAYS_MAX)
    if days is None:
        message = _("协办时限须为 0.5 至 %(n)s 个工作日（以半天为单位）。") % {"n": PART_DAYS_MAX}
        raise InvalidInput(message, fields={field: message})
    return days


def clean_lead_days(value: object, field: str = "lead_days") -> float | None:
    """The lead unit's own number of working days (a parallel approval's lead department):
    empty, or a positive number in half days up to PART_DAYS_MAX."""
    if value in (None, ""):
        return None
    days = half_days(value, PART_DAYS_MAX)
    if days is None:
        message = _("牵头部门时限须为 0.5 至 %(n)s 个工作日（以半天为单位）。") % {"n": PART_DAYS_MAX}
        raise InvalidInput(message, fields={field: message})
    return days


def part_due(order: WorkOrder, at: datetime, days: float | None = None) -> datetime | None:
    """When an assisting part handed out at `at` is due (run after the order's clock started)."""
    calendar = work_calendar()
    if days is not None:
        due = calendar.add_working_days(at, days)
    else:
        limit = deadlines.limit(order, Stage.PART)
        due = calendar.add(at, limit.amount, limit.unit)
    if order.handle_due_at is not None and due > order.handle_due_at:
        due = order.handle_due_at
    return due


@dataclass(frozen=True)
class PartView:
    assignment: Assignment
    signed: bool
    given: bool
    overdue: bool
    on_time: bool | None
    # Waiting for the material it asked for (补正): its clock stands still.
    paused: bool = False

    @property
    def unit(self) -> object:
        return self.assignment.unit


def part_status(part: Assignment, now: datetime | None = None) -> PartView:
    now = now or timezone.now()
    due = part.part_due_at
    given = part.part_given_at is not None
    paused = part.material_requested_at is not None and part.material_supplied_at is None and not given
    if given:
        on_time: bool | None = due is None or part.part_given_at <= due  # type: ignore[operator]
        overdue = not on_time
    else:
        on_time = None
        overdue = part.active and not paused and due is not None and now > due
    return PartView(part, part.signed_at is not None, given, bool(overdue), on_time, paused)


def parts_of(order: WorkOrder, now: datetime | None = None) -> list[PartView]:
    """Every assisting part the order ever had (active ones first), with its progress."""
    rows = (
        Assignment.objects.filter(order=order, role=AssignmentRole.ASSIST)
        .select_related("unit")
        .order_by("-active", "dispatched_at", "pk")
    )
    return [part_status(a, now) for a in rows]


@dataclass(frozen=True)
class UnitParts:
    """A unit's assisting parts: how many it was given, handed in, handed in on time, and
    still owes past their deadline."""

    unit_id: int
    unit_name: str
    assigned: int
    given: int
    on_time: int
    overdue_open: int

    @property
    def on_time_rate(self) -> float | None:
        return self.on_time / self.given if self.given else None


def unit_part_figures(
    orders: QuerySet[WorkOrder] | None = None,
    *,
    unit_ids: Iterable[int] | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    now: datetime | None = None,
) -> list[UnitParts]:
    """Per unit, its assisting parts (handed out in [since, until)), for its own score:
    a part counts for the assisting unit that gave it, not for the lead unit.

    A part is on time when handed in by its own deadline (a part without a deadline, from
    before deadlines existed, counts as on time)."""
    now = now or timezone.now()
    parts = Assignment.objects.filter(role=AssignmentRole.ASSIST)
    if orders is not None:
        parts = parts.filter(order__in=orders.values("pk"))
    if unit_ids is not None:
        parts = parts.filter(unit_id__in=list(unit_ids))
    if since is not None:
        parts = parts.filter(dispatched_at__gte=since)
    if until is not None:
        parts = parts.filter(dispatched_at__lt=until)
    given = Q(part_given_at__isnull=False)
    rows = (
        parts.values("unit_id", "unit__name")
        .annotate(
            assigned=Count("pk"),
            given=Count("pk", filter=given),
            on_time=Count("pk", filter=given & (Q(part_due_at__isnull=True) | Q(part_given_at__lte=F("part_due_at")))),
            overdue_open=Count(
                "pk",
                filter=Q(active=True, part_given_at__isnull=True, part_due_at__lt=now)
                # A part waiting for the material it asked for (补正) is not late meanwhile.
                & ~Q(material_requested_at__isnull=False, material_supplied_at__isnull=True),
            ),
        )
        .order_by("unit__name")
    )
    return [
        UnitParts(r["unit_id"], r["unit__name"], r["assigned"], r["given"], r["on_time"], r["overdue_open"])
        for r in rows
    ]
