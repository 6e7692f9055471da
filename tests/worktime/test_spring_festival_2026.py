"""The 2026 Spring Festival: Feb 15–23 off, made up on Saturdays Feb 14 and Feb 28."""

from __future__ import annotations

from datetime import date, timedelta

import time_machine

from civicdesk.catalogue.models import RequestType
from civicdesk.lib.worktime import BusinessHours, LimitUnit, WorkCalendar
from civicdesk.orders import actions
from tests.worktime.helpers import SH, at, china
from tests.world import World


def test_it_knows_the_nine_days_off_and_the_two_make_up_saturdays() -> None:
    cal = china()
    span = [date(2026, 2, 13) + timedelta(days=i) for i in range(17)]
    assert [d for d in span if not cal.is_workday(d)] == [date(2026, 2, 15) + timedelta(days=i) for i in range(9)] + [
        date(2026, 3, 1)
    ]
    assert cal.is_workday(date(2026, 2, 14))
    assert cal.is_workday(date(2026, 2, 28))


def test_it_counts_the_make_up_saturday_before_the_holiday() -> None:
    # 90 minutes on Friday Feb 13, 450 on Saturday Feb 14, the rest on Tuesday Feb 24.
    assert china().add(at(2026, 2, 13, 16, 0), 2, LimitUnit.WORKING_DAYS) == at(2026, 2, 24, 16, 0)


def test_it_counts_the_make_up_saturday_after_the_holiday() -> None:
    start = at(2026, 2, 24, 8, 30)
    assert china().add(start, 10, LimitUnit.WORKING_DAYS) == at(2026, 3, 6, 17, 30)
    weekdays_only = WorkCalendar(BusinessHours.parse("08:30-12:00,13:30-17:30"), SH, lambda d: d.weekday() < 5)
    # Without the adjusted Saturday the same ten days would end a working day later (Monday).
    assert weekdays_only.add(start, 10, LimitUnit.WORKING_DAYS) == at(2026, 3, 9, 17, 30)


def test_it_measures_two_working_days_between_feb_14_and_feb_24() -> None:
    assert china().working_minutes_between(at(2026, 2, 14), at(2026, 2, 25)) == 2 * 450


def test_it_gives_a_help_request_taken_before_the_holiday_its_deadline_in_march(w: World) -> None:
    with time_machine.travel(at(2026, 2, 13, 10, 0), tick=False):
        order = w.new_order(request_type=RequestType.HELP)
        order = actions.dispatch(order, actor=w.dispatcher, lead_unit=w.dept_a)
    # Feb 13, 14, 24, 25, 26, 27, 28, Mar 2, 3, 4 → ten working days, due Mar 5 at 10:00.
    assert order.handle_due_at == at(2026, 3, 5, 10, 0)
    # Two working hours from 10:00 end exactly at the lunch break.
    assert order.sign_due_at == at(2026, 2, 13, 12, 0)
