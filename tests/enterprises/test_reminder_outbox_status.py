"""The licence page shows each reminder message's outbox status: what the outbox's delivery
recorded (a refused SMS), and "cancelled" for messages a renewal withdrew before sending."""

from __future__ import annotations

from datetime import date

import time_machine

from civicdesk.enterprises.models import Enterprise, ReminderMessage
from civicdesk.enterprises.reminders import create_due_reminders, renew
from civicdesk.notifications.backends import EmailSender, Outcome, SmsBackend
from civicdesk.notifications.delivery import Backends, deliver_outbox
from civicdesk.notifications.models import DeliveryStatus
from civicdesk.org.models import User
from tests.console.helpers import client_for
from tests.enterprises.reminder_helpers import licence
from tests.world import World

MONDAY = date(2026, 3, 9)


class RefusingSms(SmsBackend):
    def send(self, phone: str, text: str, key: str) -> Outcome:
        return Outcome(False, error="号码已停机", permanent=True)


def test_the_page_shows_the_outbox_result_of_each_message(w: World, company: Enterprise, officer: User) -> None:
    licence(company, w.dept_b, date(2026, 4, 8), "JY-1")
    with time_machine.travel(MONDAY, tick=False):
        create_due_reminders()
        deliver_outbox(backends=Backends(RefusingSms(), EmailSender()), worker="w1")
        html = client_for(w.handler_b).get("/enterprises/licences/").content.decode()
    expiring = html[html.index('id="expiring"') : html.index('id="renewed"')]
    assert "JY-1" in expiring and "发送失败" in expiring and "已发送" in expiring


def test_a_renewal_cancels_the_outbox_rows_of_the_old_expiry_only(w: World, company: Enterprise, officer: User) -> None:
    old = licence(company, w.dept_b, date(2026, 4, 8), "JY-1")
    other = licence(company, w.dept_b, date(2026, 4, 8), "JY-2")
    with time_machine.travel(MONDAY, tick=False):
        create_due_reminders()
        renew(old, new_valid_to=date(2031, 4, 8), actor=w.handler_b)
    statuses = dict(ReminderMessage.objects.values_list("reminder__licence__number", "message__status").distinct())
    assert statuses == {"JY-1": DeliveryStatus.CANCELLED, "JY-2": DeliveryStatus.PENDING}
    assert other.reminders.count() == 1
