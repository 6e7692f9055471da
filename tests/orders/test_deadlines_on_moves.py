"""Deadlines are set and moved by the moves, in working time (08:30–12:00, 13:30–17:30,
Asia/Shanghai, Chinese holidays). Dates are chosen so each case crosses what it tests."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from civicdesk.orders import actions
from civicdesk.orders.models import Assignment, DeadlineStatus, WorkOrder
from civicdesk.worktime.models import CalendarDay, Stage, TimeLimitPolicy
from tests.world import World

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=SHANGHAI)


def dispatched_at(w: World, moment: datetime, **overrides: object) -> WorkOrder:
    with time_machine.travel(moment, tick=False):
        return w.dispatched(**overrides)


def test_it_sets_sign_return_and_handling_deadlines_on_dispatch(w: World) -> None:
    # A complaint on Monday 2 March 09:00: sign in 2 working hours, return within 2 working
    # days, handle within 15 working days; the near-due warning one working day before.
    order = dispatched_at(w, at(3, 2, 9))

    order.refresh_from_db()
    assert order.dispatched_at == at(3, 2, 9)
    assert order.sign_due_at == at(3, 2, 11)
    assert order.return_due_at == at(3, 4, 9)
    assert order.handle_due_at == at(3, 23, 9)
    assert order.handle_warn_at == at(3, 20, 9)
    assert Assignment.objects.get(order=order).sign_due_at == order.sign_due_at


def test_it_skips_lunch_and_nights(w: World) -> None:
    # 11:00 + 2 working hours: one before lunch, one after 13:30.
    assert dispatched_at(w, at(3, 2, 11)).sign_due_at == at(3, 2, 14, 30)
    # 17:00 + 2 working hours: half an hour today, 90 minutes tomorrow from 08:30.
    assert dispatched_at(w, at(3, 2, 17)).sign_due_at == at(3, 3, 10)


def test_it_starts_counting_a_weekend_dispatch_on_monday_morning(w: World) -> None:
    order = dispatched_at(w, at(3, 7, 10))  # Saturday

    assert order.sign_due_at == at(3, 9, 10, 30)


def test_it_skips_public_holidays(w: World) -> None:
    # An enquiry (2 working days) on Thursday 30 April: 1–5 May is the Labour Day holiday.
    order = dispatched_at(w, at(4, 30, 10), request_type="enquiry")

    assert order.handle_due_at == at(5, 7, 10)


def test_it_counts_an_adjusted_working_saturday(w: World) -> None:
    # Saturday 9 May 2026 is a working day (调休).
    order = dispatched_at(w, at(5, 8, 10), request_type="enquiry")

    assert order.handle_due_at == at(5, 11, 10)
    assert dispatched_at(w, at(5, 8, 17), request_type="enquiry").sign_due_at == at(5, 9, 10)


def test_it_skips_a_day_off_entered_by_an_admin(w: World) -> None:
    CalendarDay.objects.create(day=date(2026, 3, 3), is_workday=False, note="地方性休息日")

    order = dispatched_at(w, at(3, 2, 9), request_type="enquiry")

    assert order.handle_due_at == at(3, 5, 9)


def test_it_uses_calendar_hours_for_urgent_orders(w: World) -> None:
    # Urgent: handled within 24 hours and signed within 1 hour, around the clock (7×24 duty).
    order = dispatched_at(w, at(3, 6, 17), urgency="urgent")  # Friday

    assert order.handle_due_at == at(3, 7, 17)
    assert order.sign_due_at == at(3, 6, 18)  # Friday evening, not Monday morning
    emergency = dispatched_at(w, at(3, 6, 17), urgency="emergency")
    assert (emergency.sign_due_at, emergency.handle_due_at) == (at(3, 6, 17, 30), at(3, 6, 19))


def test_it_uses_the_time_limit_set_for_a_category(w: World) -> None:
    TimeLimitPolicy.objects.create(stage=Stage.HANDLE, category=w.cat_roads, amount=5, unit="working_days")

    order = dispatched_at(w, at(3, 2, 9))  # potholes are under roads

    assert order.handle_due_at == at(3, 9, 9)


def test_it_restarts_the_clock_for_the_unit_an_order_is_redispatched_to(w: World) -> None:
    order = dispatched_at(w, at(3, 2, 9))
    with time_machine.travel(at(3, 4, 14), tick=False):
        order = actions.redispatch(order, actor=w.dispatcher, lead_unit=w.dept_b, reason="改派")

    order.refresh_from_db()
    assert order.sign_due_at == at(3, 4, 16)
    assert order.handle_due_at == at(3, 25, 14)
    assert order.first_dispatched_at == at(3, 2, 9)


def test_it_moves_the_handling_deadline_by_an_extension_in_working_days(w: World) -> None:
    with time_machine.travel(at(4, 28, 10), tick=False):
        order = w.signed(request_type="enquiry")  # due Thursday 30 April 10:00
        assert order.handle_due_at == at(4, 30, 10)
        order = actions.request_extension(order, actor=w.handler_a, days="2.5", reason="需协调")
        order = actions.approve_extension(order, actor=w.dispatcher)

    order.refresh_from_db()
    # Two days over the holiday to 7 May 10:00, then half a day (225 minutes): 120 before
    # lunch, 105 after 13:30.
    assert order.handle_due_at == at(5, 7, 15, 15)
    # The near-due window stays a fifth of the 2-day limit (180 minutes) before the new due.
    assert order.handle_warn_at == at(5, 7, 10, 45)


def test_it_shifts_deadlines_by_the_working_time_an_order_was_suspended(w: World) -> None:
    with time_machine.travel(at(4, 28, 10), tick=False):
        order = w.suspension_requested(request_type="enquiry")  # due 30 April 10:00
    with time_machine.travel(at(4, 30, 9), tick=False):
        order = actions.approve_suspension(order, actor=w.dispatcher)
    # Resumed Wednesday 6 May 09:30: paused 09:00–17:30 on 30 April less lunch (420), and
    # 08:30–09:30 on 6 May (60); the holiday in between costs nothing. The hour that was
    # left when the clock stopped is still left after it restarts.
    with time_machine.travel(at(5, 6, 9, 30), tick=False):
        order = actions.resume(order, actor=w.handler_a)

    order.refresh_from_db()
    assert order.suspended_minutes == 480
    assert order.handle_due_at == at(5, 6, 10, 30)


def test_it_shifts_calendar_hour_deadlines_by_the_wall_time_suspended(w: World) -> None:
    with time_machine.travel(at(3, 6, 16), tick=False):
        order = w.suspension_requested(urgency="urgent")  # due Saturday 16:00
        order = actions.approve_suspension(order, actor=w.dispatcher)
    with time_machine.travel(at(3, 6, 19), tick=False):
        order = actions.resume(order, actor=w.dispatcher)

    order.refresh_from_db()
    assert order.handle_due_at == at(3, 7, 19)


def test_it_gives_a_fresh_handling_limit_on_rework(w: World) -> None:
    with time_machine.travel(at(4, 20, 9), tick=False):
        order = actions.request_extension(w.signed(), actor=w.handler_a, days=1, reason="需协调")
        order = actions.approve_extension(order, actor=w.dispatcher)
        order = actions.reply(order, actor=w.handler_a, result="solved", text="已修复。")
        order = actions.accept_reply(order, actor=w.dispatcher)
    with time_machine.travel(at(4, 29, 14), tick=False):
        order = actions.record_callback(
            order, actor=w.callback_agent, solved="unsolved", satisfaction="unsatisfied", rework=True
        )

    order.refresh_from_db()
    # 15 working days from Wednesday 29 April 14:00, skipping 1–5 May, counting 9 May.
    assert order.handle_due_at == at(5, 22, 14)
    assert order.extension_days == 0


def test_it_reports_on_time_near_due_and_overdue(w: World) -> None:
    order = dispatched_at(w, at(3, 2, 9))  # due 23 March 09:00, warned from 20 March 09:00

    with time_machine.travel(at(3, 20, 8, 59), tick=False):
        assert order.deadline_status() == DeadlineStatus.ON_TIME
    with time_machine.travel(at(3, 20, 9), tick=False):
        assert order.deadline_status() == DeadlineStatus.NEAR_DUE
    with time_machine.travel(at(3, 23, 9), tick=False):
        assert order.deadline_status() == DeadlineStatus.NEAR_DUE
    with time_machine.travel(at(3, 23, 9, 1), tick=False):
        assert order.deadline_status() == DeadlineStatus.OVERDUE


@pytest.mark.parametrize(("reply_day", "expected"), [(20, DeadlineStatus.ON_TIME), (24, DeadlineStatus.OVERDUE)])
def test_it_judges_a_replied_order_by_when_the_unit_replied(w: World, reply_day: int, expected: DeadlineStatus) -> None:
    with time_machine.travel(at(3, 2, 9), tick=False):
        order = w.signed()
    with time_machine.travel(at(3, reply_day, 10), tick=False):
        order = actions.reply(order, actor=w.handler_a, result="solved", text="已修复。")
        order = actions.accept_reply(order, actor=w.dispatcher)

    with time_machine.travel(at(4, 1, 10), tick=False):
        assert order.deadline_status() == expected


def test_it_has_no_deadline_before_dispatch(w: World) -> None:
    order = w.new_order()

    assert order.handle_due_at is None
    assert order.deadline_status() == DeadlineStatus.NONE


def test_it_never_reports_a_suspended_order_overdue(w: World) -> None:
    with time_machine.travel(at(3, 2, 9), tick=False):
        order = w.suspended()

    with time_machine.travel(at(4, 1, 9), tick=False):
        assert order.deadline_status() == DeadlineStatus.ON_TIME
