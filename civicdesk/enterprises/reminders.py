"""Licence expiry reminders (证照到期提醒).

Rules, decided here:

- Offsets: CIVICDESK_LICENCE_REMINDER_DAYS (days before expiry; default 90, 30, 7).
- A reminder goes out on its nominal day (expiry − offset) if that is a working day, else on
  the working day before it (never later: an office closed over a holiday cannot be the
  company's reason to miss its deadline).
- A reminder that is due or overdue goes out at once, once: the sweep sends it whatever the
  day, and a licence entered (or its expiry edited) after its reminder day is reminded as soon
  as it is saved (civicdesk.enterprises.apps connects remind_entered_licence), not at the
  next sweep: a licence entered five days before expiry gets its "7 days" reminder that minute.
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

Delivery. Each message is a notifications.OutboxMessage without an order (template
"licence_reminder", its own subject), written in the reminder's transaction and linked to
it by a ReminderMessage; the outbox's sweep and its on-commit task deliver it under the
outbox's rules (civicdesk.notifications.delivery), including its maximum age. A message
cancelled by a renewal gets the outbox status "cancelled".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from civicdesk.enterprises.liaison import officers_of
from civicdesk.enterprises.models import (
    Licence,
    LicenceReminder,
    LicenceRenewal,
    ReminderMessage,
)
from civicdesk.lib.worktime import WorkCalendar
from civicdesk.notifications.models import DeliveryStatus, Medium, OutboxMessage
from civicdesk.notifications.tasks import deliver_on_commit
from civicdesk.org.models import User
from civicdesk.worktime.limits import work_calendar

TEMPLATE = "licence_reminder"  # OutboxMessage.template of reminder messages
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


def due_reminders(today: date | None = None, licence_ids: list[int] | None = None) -> list[Due]:
    """The reminders that should exist by `today` and do not yet (of those licences only, if given)."""
    today = today or timezone.localdate()
    days = offsets()
    if not days:
        return []
    calendar = work_calendar()
    horizon = today + timedelta(days[0] + _HOLIDAY_SLACK)
    candidates = Licence.objects.filter(valid_to__gte=today, valid_to__lte=horizon, enterprise__active=True)
    if licence_ids is not None:
        candidates = candidates.filter(pk__in=licence_ids)
    licences = list(candidates.values_list("pk", "valid_to"))
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
    text = (
        _(
            "【12345证照提醒】%(enterprise)s：%(kind)s（%(number)s）将于%(valid_to)s到期，还有%(days)s天，"
            "请及时向%(unit)s申请延续。"
        )
        % values
    )
    return subject, text


def _messages(licence: Licence, today: date) -> list[tuple[str, OutboxMessage]]:
    """(recipient, unsaved outbox message) for everyone the reminder goes to."""
    subject, text = _text(licence, (licence.valid_to - today).days)
    enterprise = licence.enterprise
    rows: list[tuple[str, OutboxMessage]] = []
    now = timezone.now()

    def add(medium: str, recipient: str, address: str, user: User | None = None) -> None:
        rows.append(
            (
                recipient[:100],
                OutboxMessage(
                    medium=medium,
                    user=user,
                    address=address,
                    template=TEMPLATE,
                    subject=subject[:200],
                    text=text,
                    created_at=now,
                ),
            )
        )

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
                    licence=licence,
                    offset_days=due.offset,
                    valid_to=due.valid_to,
                    send_on=due.send_on,
                    created_at=timezone.now(),
                )
        except IntegrityError:
            return None
        rows = _messages(licence, today)
        messages = [message for _recipient, message in rows]
        for message in messages:  # one by one: bulk_create sets no primary keys on every database
            message.save(force_insert=True)
        ReminderMessage.objects.bulk_create(
            [ReminderMessage(reminder=reminder, recipient=recipient, message=message) for recipient, message in rows]
        )
        deliver_on_commit(messages)
    return reminder


def create_due_reminders(today: date | None = None, licence_ids: list[int] | None = None) -> int:
    """Create every reminder due by today (send days are working days, so on a day off only
    late ones are found, and they go out at once). Returns how many were created."""
    today = today or timezone.localdate()
    return sum(1 for due in due_reminders(today, licence_ids) if create_reminder(due, today) is not None)


def remind_entered_licence(sender: object, instance: Licence, created: bool = False, **kwargs: object) -> None:
    """post_save of a Licence: once the save is committed, send the reminder already due
    (the nearest offset whose day has passed), so an expiry entered late is not missed."""
    if kwargs.get("raw"):  # loading fixtures
        return
    pk = instance.pk
    transaction.on_commit(lambda: create_due_reminders(licence_ids=[pk]))


# --- delivery: the outbox's (civicdesk.notifications.delivery) --------------------------

_RENEWED = "licence renewed before sending"


def cancel_superseded() -> int:
    """Pending messages of an expiry that is no longer the licence's (its valid_to was moved
    on without a renewal being recorded) are not sent."""
    return (
        OutboxMessage.objects.filter(status=DeliveryStatus.PENDING, template=TEMPLATE, licence_reminder__isnull=False)
        .exclude(licence_reminder__reminder__valid_to=F("licence_reminder__reminder__licence__valid_to"))
        .update(status=DeliveryStatus.CANCELLED, last_error=_RENEWED)
    )


def run_licence_reminders() -> int:
    """The sweep: create today's reminders (their messages go out through the outbox's
    on-commit task and the deliver_outbox sweep), and cancel those a renewal superseded."""
    return cancel_superseded() + create_due_reminders()


# --- renewal -----------------------------------------------------------------------------


def renew(licence: Licence, *, new_valid_to: date, actor: User | None = None, note: str = "") -> LicenceRenewal:
    """Record a renewal: the licence is valid to `new_valid_to`; the remaining reminders
    of the old expiry stop (pending messages are cancelled)."""
    with transaction.atomic():
        locked = Licence.objects.select_for_update().get(pk=licence.pk)
        if new_valid_to <= locked.valid_to:
            raise ValidationError(
                {"new_valid_to": _("新的有效期须晚于原有效期（%(day)s）。") % {"day": f"{locked.valid_to:%Y-%m-%d}"}}
            )
        renewal = LicenceRenewal.objects.create(
            licence=locked,
            old_valid_to=locked.valid_to,
            new_valid_to=new_valid_to,
            renewed_by=actor,
            note=note[:200],
            renewed_at=timezone.now(),
        )
        locked.valid_to = new_valid_to
        locked.save(update_fields=["valid_to"])
        OutboxMessage.objects.filter(licence_reminder__reminder__licence=locked, status=DeliveryStatus.PENDING).exclude(
            licence_reminder__reminder__valid_to=new_valid_to
        ).update(status=DeliveryStatus.CANCELLED, last_error=_RENEWED)
    licence.valid_to = new_valid_to
    return renewal
