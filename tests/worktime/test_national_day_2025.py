"""The 2025 National Day + Mid-Autumn holiday: eight days off, Oct 1–8, made up by working
on Sunday Sep 28 and Saturday Oct 11."""

from __future__ import annotations

from datetime import date, timedelta

import time_machine

from civicdesk.catalogue.models import RequestType
from civicdesk.lib.worktime import LimitUnit
from civicdesk.orders import actions
from tests.worktime.helpers import at, china
from tests.world import World


def test_it_knows_the_eight_days_off_and_the_two_make_up_days() -> None:
    cal = china()
    days = {date(2025, 9, 27) + timedelta(days=i): None for i in range(16)}
    working = [d for d in days if cal.is_workday(d)]
    assert working == [
        date(2025, 9, 28),
        date(2025, 9, 29),
        date(2025, 9, 30),
        date(2025, 10, 9),
        date(2025, 10, 10),
        date(2025, 10, 11),
    ]


def test_it_lands_a_two_day_deadline_from_sep_30_afternoon_on_oct_10_at_the_same_minute() -> None:
    # 150 minutes on Sep 30, nothing Oct 1–8, 450 on Oct 9, the last 300 on Oct 10.
    assert china().add(at(2025, 9, 30, 15, 0), 2, LimitUnit.WORKING_DAYS) == at(2025, 10, 10, 15, 0)


def test_it_lands_a_three_day_deadline_on_the_make_up_saturday() -> None:
    assert china().add(at(2025, 9, 30, 15, 0), 3, LimitUnit.WORKING_DAYS) == at(2025, 10, 11, 15, 0)


def test_it_counts_work_done_on_the_make_up_sunday() -> None:
    cal = china()
    assert cal.working_minutes_between(at(2025, 9, 27), at(2025, 9, 29)) == 450
    # An order taken on Saturday evening is due by the end of the working Sunday.
    assert cal.add(at(2025, 9, 27, 19, 0), 1, LimitUnit.WORKING_DAYS) == at(2025, 9, 28, 17, 30)


def test_it_counts_no_working_time_across_the_holiday() -> None:
    cal = china()
    assert cal.working_minutes_between(at(2025, 9, 30, 17, 30), at(2025, 10, 9, 8, 30)) == 0
    assert cal.elapsed(at(2025, 9, 30, 17, 0), at(2025, 10, 9, 9, 0), LimitUnit.WORKING_HOURS) == 1


def test_it_gives_an_order_dispatched_on_sep_30_its_deadlines_after_the_holiday(w: World) -> None:
    with time_machine.travel(at(2025, 9, 30, 17, 0), tick=False):
        order = w.new_order(request_type=RequestType.ENQUIRY)
        order = actions.dispatch(order, actor=w.dispatcher, lead_unit=w.dept_a)
    # Sign for within 2 working hours: 30 minutes left on Sep 30, 90 on Oct 9.
    assert order.sign_due_at == at(2025, 10, 9, 10, 0)
    assert order.handle_due_at == at(2025, 10, 10, 17, 0)
    # The near-due warning opens 0.4 working days (180 minutes) before the deadline.
    assert order.handle_warn_at == at(2025, 10, 10, 14, 0)
    assert order.return_due_at == order.handle_due_at
