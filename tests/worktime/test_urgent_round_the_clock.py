"""Urgent and emergency orders run on the 7×24 duty clock (DESIGN.md §5): their sign-for and
handling deadlines count clock hours through nights, weekends and holidays, and the duty
roster decides who is reached — the unit's person on duty, or, when the unit has no one on
duty, the hub's dispatcher on duty, who is warned to phone the unit."""

from __future__ import annotations

from datetime import date

import time_machine

from civicdesk.notifications.models import Medium, OutboxMessage
from civicdesk.orders import actions
from civicdesk.org.models import Role, User
from civicdesk.worktime.limits import forget_calendar
from civicdesk.worktime.models import DutyShift, TimeLimitPolicy
from tests.console.helpers import field_errors
from tests.console_units.helpers import client_for, text
from tests.worktime.helpers import at
from tests.world import World

SUNDAY_NIGHT = at(2026, 3, 8, 21, 10)
NATIONAL_DAY = at(2026, 10, 2, 14, 0)  # Friday of the 2026 National Day holiday


def _colleague(w: World) -> User:
    """A dispatcher not on the roster (the one on duty must not be the actor)."""
    found = User.objects.filter(username="d2").first()
    return found or w.person("d2", "另一派单员", (w.hub, Role.DISPATCHER))


def _inbox(user: object) -> list[str]:
    return list(
        OutboxMessage.objects.filter(user=user, medium=Medium.INBOX).order_by("pk").values_list("text", flat=True)
    )


def test_an_urgent_order_taken_on_sunday_night_is_due_within_the_hour(w: World) -> None:
    with time_machine.travel(SUNDAY_NIGHT, tick=False):
        order = w.dispatched(urgency="urgent")
    assert order.sign_due_at == at(2026, 3, 8, 22, 10)  # not Monday 09:30
    assert order.handle_due_at == at(2026, 3, 9, 21, 10)  # 24 clock hours


def test_an_emergency_on_a_holiday_is_signed_for_in_thirty_minutes(w: World) -> None:
    with time_machine.travel(NATIONAL_DAY, tick=False):
        order = w.dispatched(urgency="emergency")
    assert order.sign_due_at == at(2026, 10, 2, 14, 30)
    assert order.handle_due_at == at(2026, 10, 2, 16, 0)


def test_a_normal_order_on_sunday_night_still_waits_for_working_time(w: World) -> None:
    with time_machine.travel(SUNDAY_NIGHT, tick=False):
        order = w.dispatched()
    assert order.sign_due_at == at(2026, 3, 9, 10, 30)  # 2 working hours from Monday 08:30


def test_a_working_time_row_for_every_urgency_does_not_apply_to_urgent_orders(w: World) -> None:
    # A category's rule for all orders in working days must not push an urgent order to Monday.
    TimeLimitPolicy.objects.create(stage="sign", category=w.cat_potholes, amount=4, unit="working_hours")
    TimeLimitPolicy.objects.create(stage="handle", category=w.cat_potholes, amount=3, unit="working_days")
    forget_calendar()
    with time_machine.travel(SUNDAY_NIGHT, tick=False):
        urgent = w.dispatched(urgency="urgent")
        normal = w.dispatched()
    assert urgent.sign_due_at == at(2026, 3, 8, 22, 10)
    assert urgent.handle_due_at == at(2026, 3, 9, 21, 10)
    assert normal.sign_due_at == at(2026, 3, 9, 14, 0)  # the category's 4 working hours (lunch break)


def test_an_admin_sets_the_urgent_sign_limit_in_clock_hours(w: World) -> None:
    client = client_for(w.admin)
    form = {"stage": "sign", "request_type": "", "urgency": "urgent", "category": "", "amount": "2"}

    refused = client.post("/manage/worktime/limits/new/", {**form, "unit": "working_hours"})
    assert refused.status_code == 400
    assert "7×24" in " ".join(field_errors(text(refused), "id_unit"))
    assert not TimeLimitPolicy.objects.exists()

    saved = client.post("/manage/worktime/limits/new/", {**form, "unit": "calendar_hours"})
    assert saved.status_code == 302
    forget_calendar()
    with time_machine.travel(SUNDAY_NIGHT, tick=False):
        order = w.dispatched(urgency="urgent")
    assert order.sign_due_at == at(2026, 3, 8, 23, 10)


def test_the_units_person_on_duty_is_told_the_clock_deadline(w: World) -> None:
    DutyShift.objects.create(day=date(2026, 3, 8), unit=w.hub, user=w.dispatcher)
    DutyShift.objects.create(day=date(2026, 3, 8), unit=w.dept_a, user=w.handler_a)
    with time_machine.travel(SUNDAY_NIGHT, tick=False):
        order = w.dispatched(urgency="urgent")
    told = _inbox(w.handler_a)
    assert len(told) == 1 and order.number in told[0]
    assert "请于 03-08 22:10 前签收" in told[0]
    # The unit is covered: the hub's dispatcher gets no warning.
    assert not [t for t in _inbox(w.dispatcher) if "无人值班" in t]


def test_the_hubs_dispatcher_on_duty_is_warned_when_the_unit_has_no_one(w: World) -> None:
    DutyShift.objects.create(day=date(2026, 10, 2), unit=w.hub, user=w.dispatcher)
    with time_machine.travel(NATIONAL_DAY, tick=False):
        order = w.new_order(urgency="emergency")
        actions.dispatch(order, actor=_colleague(w), lead_unit=w.dept_a)
    warnings = [t for t in _inbox(w.dispatcher) if "无人值班" in t]
    assert len(warnings) == 1
    assert order.number in warnings[0] and w.dept_a.name in warnings[0] and "10-02 14:30" in warnings[0]
    assert not OutboxMessage.objects.filter(user=w.handler_a, text__contains="无人值班").exists()


def test_no_warning_for_a_normal_order_or_on_a_working_day(w: World) -> None:
    DutyShift.objects.create(day=date(2026, 3, 8), unit=w.hub, user=w.dispatcher)
    with time_machine.travel(SUNDAY_NIGHT, tick=False):
        w.new_order()
        actions.dispatch(w.new_order(), actor=_colleague(w), lead_unit=w.dept_a)
    with time_machine.travel(at(2026, 3, 9, 21, 0), tick=False):  # Monday night: nobody has a shift then
        actions.dispatch(w.new_order(urgency="urgent"), actor=_colleague(w), lead_unit=w.dept_a)
    assert not [t for t in _inbox(w.dispatcher) if "无人值班" in t]
