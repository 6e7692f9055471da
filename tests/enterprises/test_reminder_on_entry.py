"""A licence entered after its reminder day is reminded the moment it is saved, once: one
expiring in five days (the 7-day reminder day already past) does not wait for a sweep."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

import time_machine

from civicdesk.enterprises.models import Enterprise, LicenceReminder, ReminderMessage
from civicdesk.enterprises.reminders import run_licence_reminders
from civicdesk.org.models import User
from tests.enterprises.reminder_helpers import SH, licence
from tests.world import World

SATURDAY = datetime.combine(date(2026, 3, 14), time(10), tzinfo=SH)  # a day off: no sweep would have sent it


def test_a_licence_entered_five_days_before_expiry_is_reminded_on_saving(
    w: World, company: Enterprise, officer: User, django_capture_on_commit_callbacks: Any
) -> None:
    with time_machine.travel(SATURDAY, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            licence(company, w.dept_b, date(2026, 3, 19), "JY-LATE")
        assert run_licence_reminders() == 0  # the sweep finds it already sent

    reminder = LicenceReminder.objects.get()
    assert (reminder.offset_days, reminder.valid_to) == (7, date(2026, 3, 19))
    recipients = set(ReminderMessage.objects.values_list("recipient", "message__medium"))
    assert ("王海波", "sms") in recipients and ("驻企员 驻企员小孙", "sms") in recipients
    text = ReminderMessage.objects.filter(message__medium="sms").first().message.text  # type: ignore[union-attr]
    assert "还有5天" in text


def test_a_licence_far_from_expiry_is_not_reminded_on_saving(
    w: World, company: Enterprise, django_capture_on_commit_callbacks: Any
) -> None:
    with time_machine.travel(SATURDAY, tick=False), django_capture_on_commit_callbacks(execute=True):
        licence(company, w.dept_b, date(2026, 12, 31), "JY-FAR")
    assert not LicenceReminder.objects.exists()
