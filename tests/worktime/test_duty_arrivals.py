"""Orders that arrive on a day off reach the staff on duty: an inbox message, and the top of
their home page. Deadlines still count working time only."""

from __future__ import annotations

from datetime import date

import time_machine

from civicdesk.notifications.models import Medium, OutboxMessage
from civicdesk.orders import actions
from civicdesk.org.models import Role
from civicdesk.worktime.models import DutyShift
from tests.console.helpers import client_for, text
from tests.worktime.helpers import at
from tests.world import World

SATURDAY = at(2026, 3, 7, 10)


def _told(user: object) -> list[str]:
    return list(OutboxMessage.objects.filter(user=user, medium=Medium.INBOX).values_list("event__action", flat=True))


def test_the_hub_and_unit_on_duty_are_told(w: World) -> None:
    DutyShift.objects.create(day=date(2026, 3, 7), unit=w.hub, user=w.dispatcher)
    DutyShift.objects.create(day=date(2026, 3, 7), unit=w.dept_a, user=w.head_a)
    with time_machine.travel(SATURDAY, tick=False):
        order = w.new_order()
        actions.dispatch(order, actor=w.dispatcher, lead_unit=w.dept_a)

    assert _told(w.dispatcher) == ["create"]
    assert _told(w.head_a) == ["dispatch"]


def test_nobody_extra_is_told_on_a_working_day(w: World) -> None:
    DutyShift.objects.create(day=date(2026, 3, 7), unit=w.hub, user=w.dispatcher)
    with time_machine.travel(at(2026, 3, 9, 10), tick=False):  # Monday
        w.new_order()
    assert _told(w.dispatcher) == []


def test_the_deadline_counts_working_time_only(w: World) -> None:
    with time_machine.travel(SATURDAY, tick=False):
        order = w.dispatched(request_type="enquiry")
    assert order.handle_due_at == at(2026, 3, 10, 17, 30)  # 2 working days from Monday 08:30


def test_the_home_page_of_the_person_on_duty_shows_the_arrivals_first(w: World) -> None:
    DutyShift.objects.create(day=date(2026, 3, 8), unit=w.dept_a, user=w.handler_a)
    with time_machine.travel(SATURDAY, tick=False):
        arrived = w.dispatched()
    with time_machine.travel(at(2026, 3, 8, 9), tick=False):  # Sunday, the same stretch off
        page = text(client_for(w.handler_a).get("/"))
        other = text(client_for(w.person("h2", "另一承办人", (w.dept_a, Role.HANDLER))).get("/"))
    first = page.index("值班期间到达的工单")
    assert first < page.index("本单位待办")
    assert arrived.number in page[first : page.index("本单位待办")]
    assert "值班期间到达的工单" not in other
