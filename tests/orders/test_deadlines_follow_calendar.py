"""A holiday entered inside an open order's deadline window moves the deadline, through the
shared deadline code, with one event on the order saying why; orders that do not depend on
the day keep theirs and get no event."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from civicdesk.catalogue.models import RequestType, Urgency
from civicdesk.orders.models import OrderEvent, WorkOrder
from civicdesk.orders.timeline import entries
from civicdesk.worktime.schedule import change_days
from tests.world import World

pytestmark = pytest.mark.django_db(transaction=False)

SH = ZoneInfo("Asia/Shanghai")
REASON = "录入 2027 年节假日安排（国务院通知）"


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=SH)


def _new_years_day(w: World) -> int:
    return change_days({date(2027, 1, 1): (False, "元旦")}, actor=w.admin, reason=REASON).orders_moved


def test_a_complaint_due_after_new_year_is_due_a_working_day_later(w: World) -> None:
    with time_machine.travel(at(2026, 12, 24, 10, 0), tick=False):
        order = w.dispatched()  # a complaint: 15 working days, Monday–Friday in 2027 so far
        assert order.handle_due_at == at(2027, 1, 14, 10, 0)
        events_before = order.event_count

        assert _new_years_day(w) == 1

    order.refresh_from_db()
    assert order.handle_due_at == at(2027, 1, 15, 10, 0)
    assert order.handle_warn_at == at(2027, 1, 14, 10, 0)  # the near-due window follows
    assert order.return_due_at == at(2026, 12, 28, 10, 0)  # before New Year: unchanged
    assert order.event_count == events_before + 1
    event = OrderEvent.objects.get(order=order, seq=order.event_count)
    assert (event.action, event.actor, event.note) == ("follow_calendar", w.admin, REASON)
    assert event.data["moved"] == {
        "handle_due_at": [at(2027, 1, 14, 10, 0).isoformat(), at(2027, 1, 15, 10, 0).isoformat()]
    }
    assert event.data["days"] == ["2027-01-01"]
    shown = entries([event])[0]
    assert shown.what == "随工作日历调整时限"
    assert shown.detail == "办理时限 2027-01-14 10:00 → 2027-01-15 10:00"


def test_orders_that_do_not_reach_the_day_keep_their_deadlines_and_get_no_event(w: World) -> None:
    with time_machine.travel(at(2026, 12, 24, 10, 0), tick=False):
        enquiry = w.dispatched(request_type=RequestType.ENQUIRY)  # 2 working days: Monday 28th
        urgent = w.dispatched(urgency=Urgency.URGENT)  # 24 calendar hours: no calendar involved
        replied = w.replied()  # judged against its deadline already
        due = {o.pk: o.handle_due_at for o in (enquiry, urgent, replied)}
        counts = {o.pk: o.event_count for o in (enquiry, urgent, replied)}

        assert _new_years_day(w) == 0

    for order in WorkOrder.objects.filter(pk__in=due):
        assert (order.handle_due_at, order.event_count) == (due[order.pk], counts[order.pk])


def test_a_holiday_already_entered_again_changes_nothing(w: World) -> None:
    with time_machine.travel(at(2026, 12, 24, 10, 0), tick=False):
        order = w.dispatched()
        _new_years_day(w)
        order.refresh_from_db()
        count = order.event_count

        assert _new_years_day(w) == 0

    order.refresh_from_db()
    assert (order.handle_due_at, order.event_count) == (at(2027, 1, 15, 10, 0), count)


def test_taking_the_holiday_back_moves_the_deadline_back(w: World) -> None:
    with time_machine.travel(at(2026, 12, 24, 10, 0), tick=False):
        order = w.dispatched()
        _new_years_day(w)
        change_days({}, remove=[date(2027, 1, 1)], actor=w.admin, reason="删除元旦")

    order.refresh_from_db()
    assert order.handle_due_at == at(2027, 1, 14, 10, 0)
    assert list(order.events.order_by("seq").values_list("action", flat=True))[-2:] == [
        "follow_calendar",
        "follow_calendar",
    ]


def test_an_adjusted_working_saturday_brings_the_deadline_forward(w: World) -> None:
    with time_machine.travel(at(2026, 12, 24, 10, 0), tick=False):
        order = w.dispatched()
        change_days({date(2027, 1, 9): (True, "调休上班")}, actor=w.admin, reason=REASON)

    order.refresh_from_db()
    assert order.handle_due_at == at(2027, 1, 13, 10, 0)


def test_a_callback_deadline_follows_too(w: World) -> None:
    with time_machine.travel(at(2026, 12, 31, 10, 0), tick=False):
        order = w.awaiting_callback()  # 1 working day: Friday 1 January 2027 as things stand
        assert order.callback_due_at == at(2027, 1, 1, 10, 0)
        _new_years_day(w)

    order.refresh_from_db()
    assert order.callback_due_at == at(2027, 1, 4, 10, 0)


def test_a_part_of_a_joint_order_follows_and_stays_within_the_leads_deadline(w: World) -> None:
    with time_machine.travel(at(2026, 12, 30, 10, 0), tick=False):
        order = w.joint(w.dept_b)  # the part: 3 working days, due Monday 4 January
        part = order.assignments.get(unit=w.dept_b)
        assert part.part_due_at == at(2027, 1, 4, 10, 0)
        _new_years_day(w)

    part.refresh_from_db()
    assert part.part_due_at == at(2027, 1, 5, 10, 0)
    event = OrderEvent.objects.filter(order=order).order_by("-seq").first()
    assert event is not None and f"part_due_at:{w.dept_b.pk}" in event.data["moved"]


def test_a_day_off_today_counts_from_now_not_from_the_morning(w: World) -> None:
    with time_machine.travel(at(2027, 1, 4, 10, 0), tick=False):
        order = w.dispatched(request_type=RequestType.ENQUIRY)  # due Wednesday 6th 10:00
        assert order.handle_due_at == at(2027, 1, 6, 10, 0)
    with time_machine.travel(at(2027, 1, 5, 15, 30), tick=False):
        change_days({date(2027, 1, 5): (False, "临时停工")}, actor=w.admin, reason="临时停工")

    order.refresh_from_db()
    # Tuesday had 5 of its working hours behind it (08:30–12:00, 13:30–15:30), which stay
    # counted; the two hours left that afternoon move to Wednesday: 10:00 + 2 hours.
    assert order.handle_due_at == at(2027, 1, 6, 12, 0)
