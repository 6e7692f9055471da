"""Deliver the outbox: the `deliver_outbox` sweep (civicdesk.runtime.sweeps), safe with
several workers against one PostgreSQL.

Inbox messages are delivered by being visible in the console: the sweep marks them sent at
once (`read_at` stays for the console to set). SMS and e-mail go through the backends in
civicdesk.notifications.backends, one message at a time. Most messages belong to an order
and a move; some do not (licence expiry reminders, civicdesk.enterprises.reminders): those
carry their own e-mail subject and are otherwise claimed, sent, retried and expired alike.

1. Claim. In a short transaction, lock a small batch of due pending messages with
   SELECT … FOR UPDATE SKIP LOCKED (two workers never get the same row), set them to
   "sending" with claim time and worker id, count the attempt, and COMMIT — before any
   backend is called. On SQLite the IMMEDIATE write lock serialises claims instead.
2. Send. Outside any transaction. The outbox id is the client message id ("idempotency
   key"); an SMS of several segments uses "<id>-<part>", and each part that went out is
   recorded (`parts_sent`) so a retry resumes after it.
3. Record. In one transaction: a DeliveryAttempt row and the outcome — "sent"; back to
   "pending" with `next_attempt_at` = now + BACKOFF × 2^(attempts−1) (capped); "failed" after
   CIVICDESK_OUTBOX_MAX_ATTEMPTS attempts or at once for a permanent refusal (HTTP 4xx, a
   refused recipient). The update only applies while the row is still "sending" under this
   worker's claim.

At most once — the rule for a worker that dies between claim and record. Just before each
call to a backend the worker writes and commits `handed_at` (a claim clears it). A message
left in "sending" longer than CIVICDESK_OUTBOX_LEASE seconds is then settled by that mark:

- without it, the worker died before handing the message to any gateway: nothing went out, so
  it goes back to "pending" and the claim does not count as an attempt;
- with it, the message may or may not have gone out. It is never blindly resent:

- if its backend is idempotent (an HTTP gateway given the outbox id in the URL, body or
  CIVICDESK_SMS_ID_HEADER), it goes back to "pending" and is retried with the same key, so the
  gateway drops a repeat;
- otherwise (console, file, e-mail, a gateway without message ids) it becomes "unknown": a
  person checks the gateway's or mail server's log and requeues it or marks it sent in the
  admin.

The same rule applies to a call that fails ambiguously (a timeout after the request was
written): idempotent → retried with the same key, else "unknown". A message whose attempts
are used up while its fate is unknown also becomes "unknown", not "failed". Every lease
expiry is recorded as a failed DeliveryAttempt naming the worker that found it.

The lease must be longer than the slowest claimed batch (batch × gateway timeout × segments).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q
from django.db.models.functions import Greatest
from django.utils import timezone

from civicdesk.notifications.backends import EmailSender, Outcome, SmsBackend, sms_backend
from civicdesk.notifications.channels import channel, ordered_media, registered_media
from civicdesk.notifications.models import DeliveryAttempt, DeliveryStatus, Medium, OutboxMessage
from civicdesk.notifications.templates import render, sms_parts

logger = logging.getLogger("civicdesk.notifications")

_OUTSIDE = (Medium.SMS, Medium.EMAIL)


def outside_media() -> list[str]:
    """Every medium the sweep sends: SMS, e-mail and the registered channels."""
    return [*_OUTSIDE, *registered_media()]


def not_overtaking() -> Q:
    """Messages of an in-order channel whose earlier messages (same order, same address) are
    all sent: a later report never goes out before an earlier one."""
    ordered = ordered_media()
    if not ordered:
        return Q()
    earlier = OutboxMessage.objects.filter(
        medium=OuterRef("medium"), order=OuterRef("order"), address=OuterRef("address"), pk__lt=OuterRef("pk")
    ).exclude(status=DeliveryStatus.SENT)
    return ~Q(medium__in=ordered) | Q(~Exists(earlier))


def default_worker_id() -> str:
    return f"{socket.gethostname()[:40]}:{os.getpid()}"


@dataclass
class Backends:
    sms: SmsBackend
    email: EmailSender

    @classmethod
    def configured(cls) -> Backends:
        return cls(sms_backend(), EmailSender())

    def idempotent(self, medium: str) -> bool:
        added = channel(medium)
        if added is not None:
            return added.idempotent
        return bool(self.sms.idempotent if medium == Medium.SMS else self.email.idempotent)


def backoff(attempts: int) -> dt.timedelta:
    base = int(settings.CIVICDESK_OUTBOX_BACKOFF)
    seconds = min(base * 2 ** max(0, attempts - 1), int(settings.CIVICDESK_OUTBOX_BACKOFF_MAX))
    return dt.timedelta(seconds=seconds)


def mark_inbox_delivered() -> int:
    """Inbox messages are delivered by being there; one UPDATE, safe under concurrency."""
    return OutboxMessage.objects.filter(status=DeliveryStatus.PENDING, medium=Medium.INBOX).update(
        status=DeliveryStatus.SENT, sent_at=timezone.now()
    )


def expire_stale() -> int:
    """SMS and e-mail queued longer ago than the maximum age are not sent late."""
    cutoff = timezone.now() - dt.timedelta(hours=int(settings.CIVICDESK_OUTBOX_MAX_AGE_HOURS))
    return OutboxMessage.objects.filter(
        status=DeliveryStatus.PENDING, medium__in=_OUTSIDE, created_at__lt=cutoff
    ).update(status=DeliveryStatus.EXPIRED, last_error="older than CIVICDESK_OUTBOX_MAX_AGE_HOURS")


def claim(worker: str, size: int) -> list[OutboxMessage]:
    """Lock, mark "sending" and commit a batch of due messages; return them, ready to send."""
    now = timezone.now()
    with transaction.atomic():
        ids = list(
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(status=DeliveryStatus.PENDING, medium__in=outside_media())
            .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
            .filter(not_overtaking())
            .order_by("created_at", "pk")
            .values_list("pk", flat=True)[:size]
        )
        if not ids:
            return []
        OutboxMessage.objects.filter(pk__in=ids, status=DeliveryStatus.PENDING).update(
            status=DeliveryStatus.SENDING,
            claimed_at=now,
            claimed_by=worker,
            attempt_count=F("attempt_count") + 1,
            handed_at=None,
        )
    return list(
        OutboxMessage.objects.filter(pk__in=ids, status=DeliveryStatus.SENDING, claimed_by=worker)
        # Not the order's parent: only a merged order has one (its number in the subject is
        # then read on its own), and joining it cost every claim a second order row (~2 ms CPU).
        .select_related("order", "event", "user")
        .order_by("created_at", "pk")
    )


def _hand_over(message: OutboxMessage) -> None:
    """Commit the mark that a backend is about to be called; from here on a crash leaves the
    message's fate unknown. Autocommit: this runs outside any transaction."""
    message.handed_at = timezone.now()
    OutboxMessage.objects.filter(pk=message.pk).update(handed_at=message.handed_at)


def _send(message: OutboxMessage, backends: Backends) -> Outcome:
    added = channel(message.medium)
    if added is not None:
        _hand_over(message)
        return added.send(message)
    # A message without an order (a licence reminder) has its own subject and no order number.
    rendered = render(message)
    if message.medium == Medium.EMAIL:
        to = message.address or (message.user.email if message.user else "")
        if not to:
            return Outcome(False, error="no e-mail address", permanent=True)
        _hand_over(message)
        return backends.email.send(to, rendered.subject, rendered.body, str(message.pk))
    if not message.address:
        return Outcome(False, error="no phone number", permanent=True)
    parts = sms_parts(rendered.body, rendered.number)
    responses: list[str] = []
    for index in range(message.parts_sent, len(parts)):
        key = str(message.pk) if len(parts) == 1 else f"{message.pk}-{index + 1}"
        _hand_over(message)
        outcome = backends.sms.send(message.address, parts[index], key)
        responses.append(outcome.response)
        if not outcome.ok:
            return Outcome(False, "\n".join(responses), outcome.error, outcome.permanent, outcome.ambiguous)
        if len(parts) > 1:
            message.parts_sent = index + 1
            OutboxMessage.objects.filter(pk=message.pk).update(parts_sent=index + 1)
    return Outcome(True, "\n".join(responses))


def _record(message: OutboxMessage, worker: str, outcome: Outcome, backends: Backends) -> str:
    now = timezone.now()
    if outcome.ok:
        status = DeliveryStatus.SENT
    elif outcome.ambiguous and not backends.idempotent(message.medium):
        status = DeliveryStatus.UNKNOWN
    elif outcome.permanent:
        status = DeliveryStatus.FAILED
    elif message.attempt_count >= int(settings.CIVICDESK_OUTBOX_MAX_ATTEMPTS):
        status = DeliveryStatus.UNKNOWN if outcome.ambiguous else DeliveryStatus.FAILED
    else:
        status = DeliveryStatus.PENDING
    fields: dict[str, object] = {"status": status, "last_error": outcome.error[:2000]}
    if status == DeliveryStatus.SENT:
        fields["sent_at"] = now
    if status == DeliveryStatus.PENDING:
        fields["next_attempt_at"] = now + backoff(message.attempt_count)
    with transaction.atomic():
        DeliveryAttempt.objects.create(
            message=message,
            at=now,
            worker=worker,
            ok=outcome.ok,
            error=outcome.error[:2000],
            response=outcome.response[:4000],
        )
        mine = OutboxMessage.objects.filter(pk=message.pk, status=DeliveryStatus.SENDING, claimed_by=worker)
        if not mine.update(**fields):
            # Our lease ran out and another worker took the message over. A success is still
            # news (it settles an "unknown"); anything else is left to the new owner.
            logger.warning("outbox %s: lease lost by %s before recording", message.pk, worker)
            if outcome.ok:
                OutboxMessage.objects.filter(
                    pk=message.pk, status__in=[DeliveryStatus.UNKNOWN, DeliveryStatus.PENDING]
                ).update(status=DeliveryStatus.SENT, sent_at=now, last_error="")
    message.status = status
    return status


def recover_stale(worker: str, backends: Backends) -> int:
    """Messages left "sending" past the lease: never handed to a backend → pending again;
    handed over → same-key retry if idempotent, else "unknown"."""
    now = timezone.now()
    cutoff = now - dt.timedelta(seconds=int(settings.CIVICDESK_OUTBOX_LEASE))
    with transaction.atomic():
        stale = list(
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(status=DeliveryStatus.SENDING, claimed_at__lt=cutoff)
            .order_by("claimed_at", "pk")[:100]
        )
        for message in stale:
            lost = f"lease expired: claimed by {message.claimed_by} at {message.claimed_at:%Y-%m-%d %H:%M:%S%z}"
            if message.handed_at is None:
                # Claimed but never handed to a gateway: nothing can have gone out. The claim
                # is not an attempt, so it does not use up the message's attempts either.
                note = f"{lost}; never handed to the gateway: queued again"
                DeliveryAttempt.objects.create(message=message, at=now, worker=worker, ok=False, error=note)
                OutboxMessage.objects.filter(pk=message.pk, status=DeliveryStatus.SENDING).update(
                    status=DeliveryStatus.PENDING,
                    next_attempt_at=now,
                    last_error=note,
                    attempt_count=Greatest(F("attempt_count") - 1, 0),
                )
                continue
            retry = backends.idempotent(message.medium)
            if retry and message.attempt_count < int(settings.CIVICDESK_OUTBOX_MAX_ATTEMPTS):
                status, note = DeliveryStatus.PENDING, f"{lost}; retried with the same message id"
            else:
                status = DeliveryStatus.UNKNOWN
                note = f"{lost}; not resent (the backend takes no message id): check whether it went out"
                if retry:
                    note = f"{lost}; attempts used up: check whether it went out"
            DeliveryAttempt.objects.create(message=message, at=now, worker=worker, ok=False, error=note)
            OutboxMessage.objects.filter(pk=message.pk, status=DeliveryStatus.SENDING).update(
                status=status, next_attempt_at=now, last_error=note
            )
    return len(stale)


def deliver_outbox(*, worker: str | None = None, limit: int | None = None, backends: Backends | None = None) -> int:
    """The sweep: inbox marked delivered, stale claims settled, then due SMS and e-mail sent.

    Returns how many messages it moved. At most CIVICDESK_OUTBOX_PER_SWEEP sends per call,
    so one sweep cannot hold the worker for long.
    """
    worker = worker or default_worker_id()
    backends = backends or Backends.configured()
    limit = int(settings.CIVICDESK_OUTBOX_PER_SWEEP) if limit is None else limit
    batch = int(settings.CIVICDESK_OUTBOX_BATCH)
    moved = mark_inbox_delivered() + expire_stale() + recover_stale(worker, backends)
    done = 0
    while done < limit:
        claimed = claim(worker, min(batch, limit - done))
        if not claimed:
            break
        for message in claimed:
            try:
                outcome = _send(message, backends)
            except Exception as exc:  # a backend bug must not leave the row "sending" for good
                logger.exception("outbox %s: backend raised", message.pk)
                # Raised before any gateway was called (rendering, say): certainly not sent.
                outcome = Outcome(False, error=f"{type(exc).__name__}: {exc}", ambiguous=message.handed_at is not None)
            _record(message, worker, outcome, backends)
            done += 1
    return moved + done


def run_deliver_outbox() -> int:
    return deliver_outbox()
