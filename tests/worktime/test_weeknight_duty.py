"""7×24 duty on a weeknight: a working day's night shift is on duty like the day-off roster.
An urgent order reaching a unit at 21:00 on a Tuesday is told to the unit's night shift, or,
when the unit has no one then, the hub's night shift is warned to phone it. In office hours
nobody on a shift is told anything extra (everyone is at their desk)."""

from __future__ import annotations

from datetime import date, time

import time_machine

from civicdesk.notifications.models import Medium, OutboxMessage
from civicdesk.orders import actions
from civicdesk.org.models import Role, User
from civicdesk.worktime.duty import on_duty_ids
from civicdesk.worktime.models import DutyShift
from tests.worktime.helpers import at
from tests.world import World

TUESDAY = date(2026, 3, 10)
TUESDAY_NIGHT = at(2026, 3, 10, 21, 0)
WEDNESDAY_DAWN = at(2026, 3, 11, 6, 30)


def _colleague(w: World) -> User:
    found = User.objects.filter(username="d2").first()
    return found or w.person("d2", "另一派单员", (w.hub, Role.DISPATCHER))


def _inbox(user: object) -> list[str]:
    return list(OutboxMessage.objects.filter(user=user, medium=Medium.INBOX).values_list("text", flat=True))


def _night_shift(unit: object, user: User) -> None:
    DutyShift.objects.create(day=TUESDAY, unit=unit, user=user, starts=time(18), ends=time(8))


def test_the_night_shift_is_on_duty_on_a_weeknight_and_until_the_morning(w: World) -> None:
    _night_shift(w.hub, w.dispatcher)
    assert on_duty_ids([w.hub.pk], TUESDAY_NIGHT) == {w.dispatcher.pk}
    assert on_duty_ids([w.hub.pk], WEDNESDAY_DAWN) == {w.dispatcher.pk}
    assert on_duty_ids([w.hub.pk], at(2026, 3, 10, 10)) == set()
    assert on_duty_ids([w.hub.pk], at(2026, 3, 11, 8, 0)) == set()


def test_an_urgent_order_on_a_weeknight_warns_the_hubs_night_shift_when_the_unit_has_no_one(w: World) -> None:
    _night_shift(w.hub, w.dispatcher)
    with time_machine.travel(TUESDAY_NIGHT, tick=False):
        order = w.new_order(urgency="urgent")
        actions.dispatch(order, actor=_colleague(w), lead_unit=w.dept_a)

    warnings = [t for t in _inbox(w.dispatcher) if "无人值班" in t]
    assert len(warnings) == 1
    assert order.number in warnings[0] and w.dept_a.name in warnings[0] and "03-10 22:00" in warnings[0]


def test_an_urgent_order_on_a_weeknight_reaches_the_units_night_shift(w: World) -> None:
    _night_shift(w.hub, w.dispatcher)
    _night_shift(w.dept_a, w.handler_a)
    with time_machine.travel(WEDNESDAY_DAWN, tick=False):  # still Tuesday's night shift
        order = w.new_order(urgency="urgent")
        actions.dispatch(order, actor=_colleague(w), lead_unit=w.dept_a)

    told = _inbox(w.handler_a)
    assert len(told) == 1 and order.number in told[0] and "请于 03-11 07:30 前签收" in told[0]
    assert not [t for t in _inbox(w.dispatcher) if "无人值班" in t]


def test_in_office_hours_a_day_shift_is_not_told_anything_extra(w: World) -> None:
    DutyShift.objects.create(day=TUESDAY, unit=w.hub, user=w.dispatcher, starts=time(8), ends=time(18))
    with time_machine.travel(at(2026, 3, 10, 10), tick=False):
        order = w.new_order(urgency="urgent")
        actions.dispatch(order, actor=_colleague(w), lead_unit=w.dept_a)
    assert _inbox(w.dispatcher) == []
