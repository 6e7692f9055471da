"""Crossing into 2027, a year the chinese-calendar data does not cover yet: Monday–Friday
until an admin enters the State Council's schedule."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine

from civicdesk.catalogue.models import RequestType
from civicdesk.lib.worktime import LimitUnit, china_calendar_years
from civicdesk.orders import actions
from civicdesk.worktime.limits import work_calendar
from civicdesk.worktime.models import CalendarDay
from tests.worktime.helpers import at, china
from tests.world import World

pytestmark = pytest.mark.django_db


def test_it_has_no_state_council_data_for_2027() -> None:
    assert china_calendar_years()[1] == 2026


def test_it_falls_back_to_weekdays_in_2027() -> None:
    cal = china()
    assert cal.is_workday(date(2027, 1, 1))  # a Friday, though it will surely be 元旦
    assert not cal.is_workday(date(2027, 1, 2))
    assert not cal.is_workday(date(2027, 1, 3))
    assert cal.add(at(2026, 12, 31, 10, 0), 2, LimitUnit.WORKING_DAYS) == at(2027, 1, 4, 10, 0)


def test_it_moves_the_deadline_when_an_admin_makes_new_years_day_a_holiday() -> None:
    start = at(2026, 12, 31, 10, 0)
    assert work_calendar().add(start, 2, LimitUnit.WORKING_DAYS) == at(2027, 1, 4, 10, 0)
    CalendarDay.objects.create(day=date(2027, 1, 1), is_workday=False, note="元旦")
    # The post_save signal drops the cached calendar: no restart, no fresh=True needed.
    assert work_calendar().add(start, 2, LimitUnit.WORKING_DAYS) == at(2027, 1, 5, 10, 0)


def test_it_reads_overrides_written_behind_the_models_back_when_asked_for_a_fresh_calendar() -> None:
    start = at(2026, 12, 31, 10, 0)
    day = CalendarDay.objects.create(day=date(2027, 1, 1), is_workday=False, note="元旦")
    assert work_calendar().add(start, 1, LimitUnit.WORKING_DAYS) == at(2027, 1, 4, 10, 0)
    # A bulk update (an import script) sends no signal; fresh=True reloads the overrides.
    CalendarDay.objects.filter(pk=day.pk).update(is_workday=True)
    assert work_calendar(fresh=True).add(start, 1, LimitUnit.WORKING_DAYS) == at(2027, 1, 1, 10, 0)


def test_it_counts_an_admin_entered_make_up_saturday_in_2027() -> None:
    CalendarDay.objects.create(day=date(2027, 1, 1), is_workday=False, note="元旦")
    CalendarDay.objects.create(day=date(2027, 1, 2), is_workday=True, note="元旦调休")
    cal = work_calendar()
    assert cal.add(at(2026, 12, 31, 10, 0), 2, LimitUnit.WORKING_DAYS) == at(2027, 1, 4, 10, 0)
    assert cal.working_minutes_between(at(2027, 1, 1), at(2027, 1, 4)) == 450


def test_it_goes_back_to_the_weekday_rule_when_the_override_is_deleted() -> None:
    day = CalendarDay.objects.create(day=date(2027, 1, 1), is_workday=False, note="元旦")
    assert not work_calendar().is_workday(date(2027, 1, 1))
    day.delete()
    assert work_calendar().is_workday(date(2027, 1, 1))


def test_it_gives_an_order_dispatched_on_new_years_eve_the_admins_schedule(w: World) -> None:
    CalendarDay.objects.create(day=date(2027, 1, 1), is_workday=False, note="元旦")
    with time_machine.travel(at(2026, 12, 31, 16, 0), tick=False):
        order = w.new_order(request_type=RequestType.ENQUIRY)
        order = actions.dispatch(order, actor=w.dispatcher, lead_unit=w.dept_a)
    # 90 minutes on Dec 31, the next working day is Monday Jan 4.
    assert order.sign_due_at == at(2027, 1, 4, 9, 0)
    assert order.handle_due_at == at(2027, 1, 5, 16, 0)
