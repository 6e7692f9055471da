"""The licence_reminders sweep on many licences: how long one working-day sweep takes.

    CIVICDESK_DATA_DIR=var/bench-licences .venv/bin/python bench/licence_reminders.py [--licences 5000]

Migrates a scratch database in CIVICDESK_DATA_DIR, adds one company per 5 licences with
expiries spread over the next 200 days, then times (1) the first sweep of a working day,
which writes the due reminders and their messages, and (2) a second sweep the same day,
which must find nothing to do (what every minute of the worker costs). Delivery uses a
backend that accepts everything at once. Goal: the idle sweep well under a second.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civicdesk.settings")

import django

django.setup()

from django.core.management import call_command  # noqa: E402

from civicdesk.enterprises.models import Enterprise, Licence, LicenceReminder, ReminderMessage  # noqa: E402
from civicdesk.enterprises.reminders import cancel_superseded, create_due_reminders  # noqa: E402
from civicdesk.lib import creditcode  # noqa: E402
from civicdesk.notifications.backends import Outcome, SmsBackend  # noqa: E402
from civicdesk.notifications.delivery import Backends, deliver_outbox  # noqa: E402
from civicdesk.org.models import OrgUnit, UnitKind  # noqa: E402


class Accept(SmsBackend):
    def send(self, phone: str, text: str, key: str) -> Outcome:
        return Outcome(True, "ok")


class AcceptMail:
    idempotent = False

    def send(self, to: str, subject: str, body: str, key: str) -> Outcome:
        return Outcome(True, "ok")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--licences", type=int, default=5000)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    unit, _ = OrgUnit.objects.get_or_create(
        code="bench-sj", defaults={"name": "市场监督管理局", "kind": UnitKind.DEPARTMENT}
    )
    today = date(2026, 3, 9)  # a Monday; the sweep is given the day, no clock is changed
    if Licence.objects.count() < args.licences:
        companies = [
            Enterprise(
                name=f"企业{n}",
                credit_code=creditcode.build("9", "1", "371099", f"MB{n:06d}"),
                contact_phone=f"137{n:08d}",
                contact_email=f"c{n}@example.com",
            )
            for n in range(args.licences // 5)
        ]
        Enterprise.objects.bulk_create(companies, ignore_conflicts=True)
        companies = list(Enterprise.objects.order_by("pk")[: args.licences // 5])
        Licence.objects.bulk_create(
            [
                Licence(
                    enterprise=companies[n // 5],
                    kind="food",
                    number=f"B{n:07d}",
                    issuing_unit=unit,
                    valid_from=today - timedelta(days=1000),
                    valid_to=today + timedelta(days=n % 200),
                )
                for n in range(args.licences)
            ],
            ignore_conflicts=True,
        )
    backends = Backends(Accept(), AcceptMail())  # type: ignore[arg-type]
    for label in ("first sweep", "idle sweep"):
        started = time.perf_counter()
        created = cancel_superseded() + create_due_reminders(today)
        sent = deliver_outbox(backends=backends, limit=10**6, worker="bench")  # the outbox's sweep
        elapsed = time.perf_counter() - started
        print(f"{label}: {elapsed * 1000:.0f} ms — {created} reminders, {sent} messages moved")
    print(
        f"licences {Licence.objects.count()}, reminders {LicenceReminder.objects.count()}, "
        f"messages {ReminderMessage.objects.count()}"
    )


if __name__ == "__main__":
    main()
