"""Each reminder is written once and its messages carry their delivery result; a renewal
before the messages went out cancels them."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.core.exceptions import ValidationError

from civicdesk.enterprises.models import Enterprise, LicenceReminder, ReminderMessage
from civicdesk.enterprises.reminders import (
    create_due_reminders,
    create_reminder,
    due_reminders,
    renew,
)
from civicdesk.notifications.backends import EmailSender, Outcome, SmsBackend
from civicdesk.notifications.delivery import Backends, deliver_outbox
from civicdesk.notifications.models import DeliveryStatus, OutboxMessage
from civicdesk.org.models import User
from tests.enterprises.reminder_helpers import licence
from tests.world import World

MONDAY = date(2026, 3, 9)


class RefusingSms(SmsBackend):
    def send(self, phone: str, text: str, key: str) -> Outcome:
        return Outcome(False, error="号码已停机", permanent=True)


def test_the_same_reminder_is_written_once(w: World, company: Enterprise, officer: User) -> None:
    licence(company, w.dept_b, date(2026, 4, 8), "JY-1")  # − 30 = 03-09
    with time_machine.travel(MONDAY, tick=False):
        [due] = due_reminders()
        assert create_reminder(due) is not None
        assert create_reminder(due) is None  # another worker came second
        assert create_due_reminders() == 0
    assert LicenceReminder.objects.count() == 1
    assert ReminderMessage.objects.count() == 4


def test_it_records_each_messages_delivery_result(w: World, company: Enterprise, officer: User) -> None:
    licence(company, w.dept_b, date(2026, 4, 8), "JY-1")
    with time_machine.travel(MONDAY, tick=False):
        create_due_reminders()
        deliver_outbox(backends=Backends(RefusingSms(), EmailSender()), worker="w1")

    results = dict(ReminderMessage.objects.values_list("message__medium", "message__status").distinct())
    assert results == {"sms": DeliveryStatus.FAILED, "email": DeliveryStatus.SENT}
    sms = ReminderMessage.objects.filter(message__medium="sms")
    assert set(sms.values_list("message__last_error", flat=True)) == {"号码已停机"}
    # The outbox row is an ordinary one without an order, with its attempts recorded.
    assert set(OutboxMessage.objects.filter(licence_reminder__in=sms).values_list("order", "event")) == {(None, None)}
    assert all(m.message.delivery_attempts.count() == 1 for m in sms)


def test_a_renewal_before_sending_cancels_the_messages(w: World, company: Enterprise, officer: User) -> None:
    lic = licence(company, w.dept_b, date(2026, 4, 8), "JY-1")
    with time_machine.travel(MONDAY, tick=False):
        create_due_reminders()
        renew(lic, new_valid_to=date(2031, 4, 8), actor=w.handler_b)
        deliver_outbox(backends=Backends(RefusingSms(), EmailSender()), worker="w1")

    assert set(ReminderMessage.objects.values_list("message__status", flat=True)) == {DeliveryStatus.CANCELLED}


def test_a_reminder_missed_on_its_working_day_goes_out_on_the_day_off_once(w: World, company: Enterprise) -> None:
    licence(company, w.dept_b, date(2026, 4, 8), "JY-1")  # its 30-day reminder was due on Monday 9 March
    with time_machine.travel(date(2026, 3, 14), tick=False):  # a Saturday: late, so at once
        assert create_due_reminders() == 1
        assert create_due_reminders() == 0
    assert list(LicenceReminder.objects.values_list("offset_days", "send_on")) == [(30, date(2026, 3, 9))]


def test_a_missed_day_sends_only_the_nearest_offset(w: World, company: Enterprise) -> None:
    # Entered 20 days before expiry: the 90- and 30-day reminders are past, the 7-day one
    # not yet due — so the 30-day one goes out now (late, once), never the 90-day one.
    licence(company, w.dept_b, date(2026, 3, 29), "JY-late")
    with time_machine.travel(MONDAY, tick=False):
        create_due_reminders()
    assert list(LicenceReminder.objects.values_list("offset_days", flat=True)) == [30]


def test_a_renewal_must_move_the_expiry_on(w: World, company: Enterprise) -> None:
    lic = licence(company, w.dept_b, date(2026, 4, 8), "JY-1")
    with pytest.raises(ValidationError):
        renew(lic, new_valid_to=date(2026, 4, 8))


def test_the_offsets_are_a_setting(w: World, company: Enterprise, settings: object) -> None:
    settings.CIVICDESK_LICENCE_REMINDER_DAYS = [14]  # type: ignore[attr-defined]
    licence(company, w.dept_b, date(2026, 4, 8), "JY-1")
    with time_machine.travel(MONDAY, tick=False):  # 30 days before: not an offset any more
        assert create_due_reminders() == 0
    with time_machine.travel(date(2026, 3, 25), tick=False):  # 14 days before (a Wednesday)
        assert create_due_reminders() == 1
    assert list(LicenceReminder.objects.values_list("offset_days", flat=True)) == [14]
