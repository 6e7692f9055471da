"""Shared by the reminder tests: a licence of the test company, and one day's sweep."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import time_machine

from civicdesk.enterprises.models import Enterprise, Licence
from civicdesk.enterprises.reminders import run_licence_reminders
from civicdesk.notifications.backends import EmailSender
from civicdesk.notifications.delivery import Backends, deliver_outbox
from civicdesk.org.models import OrgUnit
from tests.notifications.helpers import RecordingSmsBackend

SH = ZoneInfo("Asia/Shanghai")


def licence(company: Enterprise, unit: OrgUnit, valid_to: date, number: str, kind: str = "food") -> Licence:
    return Licence.objects.create(
        enterprise=company,
        kind=kind,
        number=number,
        issuing_unit=unit,
        valid_from=date(valid_to.year - 5, valid_to.month, 1),
        valid_to=valid_to,
    )


def backends() -> Backends:
    return Backends(RecordingSmsBackend(), EmailSender())


def sweep_on(day: date, hour: int = 9) -> int:
    """What the worker's licence_reminders and deliver_outbox sweeps do, on `day` at `hour`."""
    with time_machine.travel(datetime.combine(day, time(hour), tzinfo=SH), tick=False):
        return run_licence_reminders() + deliver_outbox(backends=backends(), worker="test")
