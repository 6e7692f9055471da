"""A year of daily sweeps (time-machine): each licence is reminded 90, 30 and 7 days before
expiry, once each, on a working day (a reminder falling on a day off goes out the working
day before); a renewal stops the rest. Holidays are the State Council's 2025/2026 ones."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core import mail

from civicdesk.enterprises.models import Enterprise, LicenceReminder, ReminderMessage
from civicdesk.enterprises.reminders import renew
from civicdesk.notifications.models import DeliveryStatus
from civicdesk.org.models import User
from tests.enterprises.reminder_helpers import licence, sweep_on
from tests.notifications.helpers import RecordingSmsBackend
from tests.world import World

START, END = date(2025, 11, 1), date(2026, 10, 31)


def _sent(lic: object) -> list[tuple[int, date, date]]:
    return list(
        LicenceReminder.objects.filter(licence=lic)
        .order_by("created_at", "pk")
        .values_list("offset_days", "send_on", "created_at__date")
    )


@pytest.fixture
def year(w: World, company: Enterprise, officer: User) -> dict[str, object]:
    RecordingSmsBackend.reset()
    national_day = licence(company, w.dept_b, date(2026, 10, 8), "JY-NATIONAL")
    spring = licence(company, w.dept_b, date(2026, 2, 24), "JY-SPRING")
    renewed = licence(company, w.dept_c, date(2026, 6, 30), "PW-RENEWED", kind="discharge")
    day = START
    while day <= END:
        if day == date(2026, 5, 10):
            renew(renewed, new_valid_to=date(2031, 6, 30), actor=w.handler_c)
        sweep_on(day)
        if day.day == 15:  # a second worker (or a restart) the same day changes nothing
            sweep_on(day, hour=15)
        day += timedelta(days=1)
    return {"national_day": national_day, "spring": spring, "renewed": renewed}


def test_it_reminds_each_offset_once_on_the_nominal_working_day(year: dict[str, object]) -> None:
    # 2026-10-08 − 90 = 07-10 (Fri), − 30 = 09-08 (Tue): working days, sent that day.
    sent = _sent(year["national_day"])
    assert [(o, s) for o, s, _c in sent[:2]] == [(90, date(2026, 7, 10)), (30, date(2026, 9, 8))]
    assert all(send_on == created for _o, send_on, created in sent)


def test_a_reminder_due_in_a_holiday_goes_out_the_working_day_before(year: dict[str, object]) -> None:
    # − 7 = 10-01, National Day (10-01…10-07 off): the last working day before is 09-30.
    assert _sent(year["national_day"])[2] == (7, date(2026, 9, 30), date(2026, 9, 30))
    # 2026-02-24 − 7 = 02-17, Spring Festival (02-15…02-23 off); 02-14 is a Saturday made a
    # working day (调休), so it goes out then. − 30 = 01-25, a Sunday → Friday 01-23.
    assert _sent(year["spring"]) == [
        (90, date(2025, 11, 26), date(2025, 11, 26)),
        (30, date(2026, 1, 23), date(2026, 1, 23)),
        (7, date(2026, 2, 14), date(2026, 2, 14)),
    ]


def test_a_renewal_stops_the_remaining_reminders(year: dict[str, object]) -> None:
    # 2026-06-30 − 90 = 04-01 was sent; renewed on 05-10 to 2031, so 30 and 7 never go out.
    assert _sent(year["renewed"]) == [(90, date(2026, 4, 1), date(2026, 4, 1))]


def test_each_reminder_reaches_the_contact_and_the_officer_by_sms_and_email(
    year: dict[str, object], company: Enterprise, officer: User
) -> None:
    reminders = LicenceReminder.objects.count()
    assert reminders == 7
    messages = ReminderMessage.objects.all()
    assert messages.count() == reminders * 4
    assert set(messages.values_list("message__status", flat=True)) == {DeliveryStatus.SENT}
    assert {(m.message.medium, m.message.address) for m in messages.select_related("message")} == {
        ("sms", company.contact_phone),
        ("email", company.contact_email),
        ("sms", officer.phone),
        ("email", officer.email),
    }
    # Delivered through the notification backends, each message exactly once.
    # A long SMS goes out in parts "<outbox id>-<n>"; every part exactly once.
    keys = [key for key, _phone, _text in RecordingSmsBackend.sent]
    assert len(keys) == len(set(keys))
    assert len({key.split("-")[0] for key in keys}) == reminders * 2
    assert len(mail.outbox) == reminders * 2
    assert any("2026-10-08" in m.body and "还有8天" in m.body for m in mail.outbox)
