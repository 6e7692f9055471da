"""督办单 (formal supervision notice).

A supervisor issues a numbered notice on an order a unit holds — 督〔2026〕12号, the year's
own sequence (Store.next_in_sequence) — with the matter to put right and a deadline in
working time for the unit's written answer (答复督办单). It shows on the supervision page
and in the unit's inbox; a notice not answered in time is escalated once by the worker's
sweep (督办单超期) to the unit's heads, the hub's supervisors and leaders.

The latest notice lives on the order row (notice_number, notice_due_at, ...); its text and
the answer are the notes of their events.
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from civicdesk.orders import clock
from civicdesk.orders.actions.base import DATABASE, OrderRef, Store, check_move, record, require_text
from civicdesk.orders.actions.instruction import hub_id
from civicdesk.orders.actions.supervision import MAX_LEVEL
from civicdesk.orders.actions.sweeping import each_held
from civicdesk.orders.errors import InvalidInput
from civicdesk.orders.halfdays import half_days
from civicdesk.orders.models import OrderEvent, WorkOrder, notice_number
from civicdesk.orders.workflow import WITH_UNIT, State
from civicdesk.org.models import User
from civicdesk.worktime.limits import work_calendar

ANSWER_DAYS = 3
ANSWER_DAYS_MAX = 30
TEXT_MAX = 2000
ANSWER_MAX = 5000
# Where a notice can still be answered, and so become overdue.
ANSWERABLE = WITH_UNIT | {State.REPLIED}


def clean_days(value: object, field: str = "days") -> float:
    if value in (None, ""):
        return float(ANSWER_DAYS)
    days = half_days(value, ANSWER_DAYS_MAX)
    if days is None:
        message = _("答复时限须为 0.5 至 %(n)s 个工作日（以半天为单位）。") % {"n": ANSWER_DAYS_MAX}
        raise InvalidInput(message, fields={field: message})
    return days


def current_notice(order: WorkOrder, events: list[OrderEvent] | None = None) -> OrderEvent | None:
    """The event of the order's latest formal notice (its note is the matter), if any; from
    `events` (the order's, by seq) where the page has read them."""
    if not order.notice_number:
        return None
    if events is not None:
        return next((e for e in reversed(events) if e.action == "issue_notice"), None)
    return (
        OrderEvent.objects.filter(order=order, action="issue_notice")
        .select_related("actor", "acting_unit")
        .order_by("-seq")
        .first()
    )


def issuing_hub(store: Store, order: WorkOrder) -> int | None:
    """The hub of the supervisor who issued the order's latest notice (None before it was kept)."""
    last = store.last_event(order, ("issue_notice",))
    return last[1].get("by_hub") if last is not None else None


def notice_answer(order: WorkOrder, events: list[OrderEvent] | None = None) -> OrderEvent | None:
    """The unit's written answer to the latest notice, once given (from `events` as above)."""
    if not order.notice_number or order.notice_answered_at is None:
        return None
    if events is not None:
        return next((e for e in reversed(events) if e.action == "answer_notice"), None)
    return OrderEvent.objects.filter(order=order, action="answer_notice").order_by("-seq").first()


def issue_notice(
    order: OrderRef,
    *,
    actor: User,
    text: str,
    days: float | str | None = None,
    expected_version: int | None = None,
    store: Store = DATABASE,
) -> WorkOrder:
    """A supervisor issues a formal supervision notice (下发督办单); its supervision level goes up."""
    body = require_text(text, "text", _("请填写督办事项。"), max_length=TEXT_MAX)
    answer_days = clean_days(days)
    with store.locked(order, expected_version) as o:
        _side, unit = check_move(o, "issue_notice", actor, store=store)
        if o.notice_open:
            raise InvalidInput(
                _("工单 %(number)s 的督办单 %(notice)s 尚未答复，不能再下发。")
                % {"number": o.number, "notice": o.notice_number}
            )
        now = clock.now()
        year = timezone.localtime(now).year
        number = notice_number(year, store.next_in_sequence(f"notice-{year}"))
        due = work_calendar().add_working_days(now, answer_days)
        o.notice_number = number
        o.notice_issued_at = now
        o.notice_due_at = due
        o.notice_answered_at = None
        o.notice_escalated_at = None
        o.supervision_level = min(MAX_LEVEL, o.supervision_level + 1)
        record(
            o,
            "issue_notice",
            actor,
            store=store,
            acting_unit=unit,
            note=body,
            data={
                "number": number,
                "due_at": due.isoformat(),
                "days": answer_days,
                "unit": o.lead_unit_id,
                "level": o.supervision_level,
                # The hub of the supervisor who issued it (a prefecture's on a county's order),
                # told of the answer and of the escalation.
                "by_hub": hub_id(unit),
            },
        )
    return o


def answer_notice(
    order: OrderRef, *, actor: User, text: str, expected_version: int | None = None, store: Store = DATABASE
) -> WorkOrder:
    """The lead unit answers the notice in writing (答复督办单): what it did about the matter."""
    body = require_text(text, "text", _("请填写督办单的书面答复。"), max_length=ANSWER_MAX)
    with store.locked(order, expected_version) as o:
        _side, unit = check_move(o, "answer_notice", actor, store=store)
        if not o.notice_open:
            raise InvalidInput(_("工单 %(number)s 没有待答复的督办单。") % {"number": o.number})
        now = clock.now()
        o.notice_answered_at = now
        on_time = o.notice_due_at is None or now <= o.notice_due_at
        record(
            o,
            "answer_notice",
            actor,
            store=store,
            acting_unit=unit,
            note=body,
            data={
                "number": o.notice_number,
                "on_time": on_time,
                "unit": o.lead_unit_id,
                "by_hub": issuing_hub(store, o),
            },
        )
    return o


def _overdue(order: WorkOrder, now: datetime) -> bool:
    return (
        order.notice_open
        and order.notice_escalated_at is None
        and order.notice_due_at is not None
        and now > order.notice_due_at
        and order.state in ANSWERABLE
    )


def escalate_notice(
    order: OrderRef, *, actor: User | None = None, expected_version: int | None = None, store: Store = DATABASE
) -> WorkOrder:
    """The sweep's escalation of a notice not answered by its deadline (督办单超期), once."""
    with store.locked(order, expected_version) as o:
        check_move(o, "escalate_notice", actor, store=store)
        now = clock.now()
        if not _overdue(o, now):
            raise InvalidInput(_("工单 %(number)s 没有超期未答复的督办单。") % {"number": o.number})
        o.notice_escalated_at = now
        due = o.notice_due_at
        record(
            o,
            "escalate_notice",
            actor,
            store=store,
            data={
                "number": o.notice_number,
                "due_at": due.isoformat() if due else None,
                "unit": o.lead_unit_id,
                "by_hub": issuing_hub(store, o),
            },
        )
    return o


def overdue_notices(now: datetime) -> Q:
    return Q(
        state__in=sorted(ANSWERABLE),
        notice_answered_at__isnull=True,
        notice_escalated_at__isnull=True,
        notice_due_at__lt=now,
    ) & ~Q(notice_number="")


def run_notice_watch(now: datetime | None = None, batch: int = 500) -> int:
    """One pass of the sweep: escalate each overdue, unanswered notice once; returns how many."""
    now = now or clock.now()
    ids = list(
        WorkOrder.objects.filter(overdue_notices(now)).order_by("notice_due_at").values_list("pk", flat=True)[:batch]
    )

    def escalate_if_overdue(order_id: int) -> int:
        current = WorkOrder.objects.get(pk=order_id)
        if not _overdue(current, now):
            return 0  # answered or escalated meanwhile
        escalate_notice(current)
        return 1

    return each_held(ids, now, escalate_if_overdue)
