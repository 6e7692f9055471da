"""Licence expiry reminders (证照到期提醒).

Rules, decided here:

- Offsets: CIVICDESK_LICENCE_REMINDER_DAYS (days before expiry; default 90, 30, 7).
- A reminder goes out on its nominal day (expiry − offset) if that is a working day, else on
  the working day before it (never later: an office closed over a holiday cannot be the
  company's reason to miss its deadline). The sweep creates reminders on working days only.
- Each (licence, offset, expiry) is reminded exactly once: the unique constraint on
  LicenceReminder, written while the licence row is held with
  SELECT … FOR UPDATE SKIP LOCKED, so several workers never write it twice.
- If the sweep did not run on the day (a worker outage), only the nearest offset still due
  is sent late, once: a company is not sent "90 days" and "30 days" on the same morning.
- Recipients: the company contact (SMS to a mobile number, e-mail if recorded) and every
  liaison officer stationed at the company that day (SMS and e-mail to their account).
- Renewal (a LicenceRenewal, which moves valid_to on; or valid_to edited) stops the
  remaining reminders of the old expiry: they are never created, and messages of the old
  expiry that had not gone out yet are cancelled.

Delivery. OutboxMessage rows must belong to a work order, which a licence is not, so the
reminder messages are their own rows (ReminderMessage) delivered through the same
backends (civicdesk.notifications.backends) under the outbox's rules: claim with SKIP
LOCKED and commit before sending, send outside any transaction with the message id as
idempotency key, record the result; a claim left "sending" past CIVICDESK_OUTBOX_LEASE is
retried only on an idempotent gateway, else marked "unknown" for a person to check.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from civicdesk.enterprises.liaison import officers_of
from civicdesk.enterprises.models import (
    Licence,
    LicenceReminder,
    LicenceRenewal,
    ReminderMessage,
    ReminderStatus,
)
from civicdesk.lib.worktime import WorkCalendar
from civicdesk.notifications.backends import Outcome
from civicdesk.notifications.delivery import Backends, backoff, default_worker_id
from civicdesk.notifications.models import Medium
from civicdesk.notifications.templates import sms_parts
from civicdesk.org.models import User
from civicdesk.worktime.limits import work_calendar

logger = logging.getLogger("civicdesk.enterprises")

DEFAULT_OFFSETS = (90, 30, 7)
_MOBILE = re.compile(r"^1[3-9]\d{9}$")
# A holiday can move a send day back by about a week and a half (National Day + weekend).
_HOLIDAY_SLACK = 20


def offsets() -> list[int]:
    raw = getattr(settings, "CIVICDESK_LICENCE_REMINDER_DAYS", DEFAULT_OFFSETS)
    return sorted({int(x) for x in raw if int(x) > 0}, reverse=True)


def send_day(valid_to: date, offset: int, calendar: WorkCalendar | None = None) -> date:
    """The working day a reminder `offset` days before `valid_to` goes out on."""
    calendar = calendar or work_calendar()
    day = valid_to - timedelta(offset)
    for _step in range(60):
        if calendar.is_workday(day):
            return day
        day -= timedelta(1)
    return valid_to - timedelta(offset)


@dataclass(frozen=True)
class Due:
    licence_id: int
    offset: int
    valid_to: date
    send_on: date


def due_reminders(today: date | None = None) -> list[Due]:
    """The reminders that should exist by `today` and do not yet."""
    today = today or timezone.localdate()
    days = offsets()
    if not days:
        return []
    calendar = work_calendar()
    horizon = today + timedelta(days[0] + _HOLIDAY_SLACK)
    licences = list(
        Licence.objects.filter(valid_to__gte=today, valid_to__lte=horizon, enterprise__active=True).values_list(
            "pk", "valid_to"
        )
    )
    done: dict[tuple[int, date], set[int]] = {}
    for licence_id, offset, valid_to in LicenceReminder.objects.filter(
        licence_id__in=[pk for pk, _v in licences]
    ).values_list("licence_id", "offset_days", "valid_to"):
        done.setdefault((licence_id, valid_to), set()).add(offset)
    found = []
    for licence_id, valid_to in licences:
        due = [(offset, send_day(valid_to, offset, calendar)) for offset in days]
        due = [(offset, on) for offset, on in due if on <= today]
        if not due:
            continue
        offset, send_on = min(due)  # the nearest offset still due
        sent = done.get((licence_id, valid_to), set())
        if any(o <= offset for o in sent):
            continue
        found.append(Due(licence_id, offset, valid_to, send_on))
    return found


def _text(licence: Licence, days_left: int) -> tuple[str, str]:
    values = {
        "enterprise": licence.enterprise.name,
        "kind": licence.get_kind_display(),
        "number": licence.number,
        "valid_to": f"{licence.valid_to:%Y-%m-%d}",
        "days": days_left,
        "unit": licence.issuing_unit.name,
    }
    subject = _("证照到期提醒：%(kind)s（%(number)s）将于 %(valid_to)s 到期") % values
    text = _(
        "【12345证照提醒】%(enterprise)s：%(kind)s（%(number)s）将于%(valid_to)s到期，还有%(days)s天，"
        "请及时向%(unit)s申请延续。"
    ) % values
    return subject, text


def _messages(reminder: LicenceReminder, licence: Licence, today: date) -> list[ReminderMessage]:
    subject, text = _text(licence, (licence.valid_to - today).days)
    enterprise = licence.enterprise
    rows: list[ReminderMessage] = []

    def add(medium: str, recipient: str, address: str, user: User | None = None) -> None:
        rows.append(ReminderMessage(reminder=reminder, medium=medium, recipient=recipient[:100], user=user,
                                    address=address, subject=subject[:200], text=text))

    contact = enterprise.contact_name or enterprise.name
    phone = re.sub(r"[\s-]", "", enterprise.contact_phone or "")
    if _MOBILE.match(phone):
        add(Medium.SMS, contact, phone)
    if enterprise.contact_email:
        add(Medium.EMAIL, contact, enterprise.contact_email)
    officer_ids = officers_of([enterprise.pk], today).get(enterprise.pk, set())
    for officer in User.objects.filter(pk__in=officer_ids).order_by("pk"):
        name = _("驻企员 %(name)s") % {"name": officer}
        officer_phone = re.sub(r"[\s-]", "", officer.phone or "")
        if _MOBILE.match(officer_phone):
            add(Medium.SMS, name, officer_phone, officer)
        if officer.email:
            add(Medium.EMAIL, name, officer.email, officer)
    return rows


def create_reminder(due: Due, today: date | None = None) -> LicenceReminder | None:
    """Write one due reminder and its messages; None if another worker holds or wrote it,
    or the licence was renewed meanwhile."""
    today = today or timezone.localdate()
    with transaction.atomic():
        licence = (
            Licence.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("enterprise", "issuing_unit")
            .filter(pk=due.licence_id)
            .first()
        )
        if licence is None or licence.valid_to != due.valid_to:
            return None
        try:
            with transaction.atomic():
                reminder = LicenceReminder.objects.create(
                    licence=licence, offset_days=due.offset, valid_to=due.valid_to, send_on=due.send_on,
                    created_at=timezone.now(),
                )
        except IntegrityError:
            return None
        ReminderMessage.objects.bulk_create(_messages(reminder, licence, today))
    return reminder


def create_due_reminders(today: date | None = None) -> int:
    """Create today's reminders (on working days only). Returns how many were created."""
    today = today or timezone.localdate()
    if not work_calendar().is_workday(today):
        return 0
    return sum(1 for due in due_reminders(today) if create_reminder(due, today) is not None)


# --- delivery ---------------------------------------------------------------------------


def cancel_superseded() -> int:
    """Messages of an expiry that a renewal replaced are not sent."""
    return ReminderMessage.objects.filter(
        status=ReminderStatus.PENDING
    ).exclude(reminder__valid_to=F("reminder__licence__valid_to")).update(
        status=ReminderStatus.CANCELLED, last_error="licence renewed before sending"
    )


def _claim(worker: str, size: int) -> list[ReminderMessage]:
    now = timezone.now()
    with transaction.atomic():
        ids = list(
            ReminderMessage.objects.select_for_update(skip_locked=True)
            .filter(status=ReminderStatus.PENDING)
            .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
            .order_by("pk")
            .values_list("pk", flat=True)[:size]
        )
        if not ids:
            return []
        ReminderMessage.objects.filter(pk__in=ids, status=ReminderStatus.PENDING).update(
            status=ReminderStatus.SENDING, claimed_at=now, claimed_by=worker, attempt_count=F("attempt_count") + 1
        )
    return list(ReminderMessage.objects.filter(pk__in=ids, status=ReminderStatus.SENDING, claimed_by=worker))


def _send(message: ReminderMessage, backends: Backends) -> Outcome:
    key = f"licence-{message.pk}"
    if message.medium == Medium.EMAIL:
        return backends.email.send(message.address, message.subject, message.text, key)
    responses = []
    parts = sms_parts(message.text, "")
    for index, part in enumerate(parts, start=1):
        outcome = backends.sms.send(message.address, part, key if len(parts) == 1 else f"{key}-{index}")
        responses.append(outcome.response)
        if not outcome.ok:
            return Outcome(False, "\n".join(responses), outcome.error, outcome.permanent, outcome.ambiguous)
    return Outcome(True, "\n".join(responses))


def _record(message: ReminderMessage, worker: str, outcome: Outcome, backends: Backends) -> None:
    now = timezone.now()
    fields: dict[str, object] = {"last_error": outcome.error[:2000]}
    if outcome.ok:
        fields.update(status=ReminderStatus.SENT, sent_at=now)
    elif outcome.ambiguous and not backends.idempotent(message.medium):
        fields["status"] = ReminderStatus.UNKNOWN
    elif outcome.permanent or message.attempt_count >= int(settings.CIVICDESK_OUTBOX_MAX_ATTEMPTS):
        fields["status"] = ReminderStatus.UNKNOWN if outcome.ambiguous else ReminderStatus.FAILED
    else:
        fields.update(status=ReminderStatus.PENDING, next_attempt_at=now + backoff(message.attempt_count))
    ReminderMessage.objects.filter(pk=message.pk, status=ReminderStatus.SENDING, claimed_by=worker).update(**fields)


def recover_stale(backends: Backends) -> int:
    cutoff = timezone.now() - dt.timedelta(seconds=int(settings.CIVICDESK_OUTBOX_LEASE))
    moved = 0
    with transaction.atomic():
        stale = list(
            ReminderMessage.objects.select_for_update(skip_locked=True)
            .filter(status=ReminderStatus.SENDING, claimed_at__lt=cutoff)[:100]
        )
        for message in stale:
            retry = backends.idempotent(message.medium) and message.attempt_count < int(
                settings.CIVICDESK_OUTBOX_MAX_ATTEMPTS
            )
            status = ReminderStatus.PENDING if retry else ReminderStatus.UNKNOWN
            moved += ReminderMessage.objects.filter(pk=message.pk, status=ReminderStatus.SENDING).update(
                status=status, last_error=f"lease expired: claimed by {message.claimed_by}"
            )
    return moved


def deliver_reminders(*, worker: str | None = None, limit: int = 200, backends: Backends | None = None) -> int:
    worker = worker or default_worker_id()
    backends = backends or Backends.configured()
    moved = cancel_superseded() + recover_stale(backends)
    done = 0
    while done < limit:
        claimed = _claim(worker, min(10, limit - done))
        if not claimed:
            break
        for message in claimed:
            try:
                outcome = _send(message, backends)
            except Exception as exc:  # a backend bug must not leave the row "sending" for good
                logger.exception("licence reminder %s: backend raised", message.pk)
                outcome = Outcome(False, error=f"{type(exc).__name__}: {exc}", ambiguous=True)
            _record(message, worker, outcome, backends)
            done += 1
    return moved + done


def run_licence_reminders() -> int:
    """The sweep: create today's reminders, then deliver what is pending."""
    return create_due_reminders() + deliver_reminders()


# --- renewal -----------------------------------------------------------------------------


def renew(licence: Licence, *, new_valid_to: date, actor: User | None = None, note: str = "") -> LicenceRenewal:
    """Record a renewal: the licence is valid to `new_valid_to`; the remaining reminders
    of the old expiry stop (pending messages are cancelled)."""
    from django.core.exceptions import ValidationError

    with transaction.atomic():
        locked = Licence.objects.select_for_update().get(pk=licence.pk)
        if new_valid_to <= locked.valid_to:
            raise ValidationError(
                {"new_valid_to": _("新的有效期须晚于原有效期（%(day)s）。") % {"day": f"{locked.valid_to:%Y-%m-%d}"}}
            )
        renewal = LicenceRenewal.objects.create(
            licence=locked, old_valid_to=locked.valid_to, new_valid_to=new_valid_to, renewed_by=actor,
            note=note[:200], renewed_at=timezone.now(),
        )
        locked.valid_to = new_valid_to
        locked.save(update_fields=["valid_to"])
        ReminderMessage.objects.filter(
            reminder__licence=locked, status=ReminderStatus.PENDING
        ).exclude(reminder__valid_to=new_valid_to).update(
            status=ReminderStatus.CANCELLED, last_error="licence renewed before sending"
        )
    licence.valid_to = new_valid_to
    return renewal
