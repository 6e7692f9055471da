"""Chasing orders: a supervisor's 督办 and the deadline watch's escalating notices."""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from civicdesk.orders import clock
from civicdesk.orders.actions.base import DATABASE, OrderRef, Store, check_move, record, require_text
from civicdesk.orders.errors import PermissionDenied
from civicdesk.orders.models import DeadlineStage, OrderEvent, SupervisionNotice, WorkOrder
from civicdesk.orders.workflow import MOVES, WATCHED, Side, State
from civicdesk.org.models import User
from civicdesk.worktime.limits import work_calendar

MAX_LEVEL = 4


def supervise(
    order: OrderRef,
    *,
    actor: User | None,
    note: str,
    platform_key: str = "",
    expected_version: int | None = None,
    store: Store = DATABASE,
) -> WorkOrder:
    """A supervisor chases an order; each 督办 raises its level by one (up to 4). Without a
    person (actor None) only as the upstream platform's 督办, with its message's `platform_key`."""
    text = require_text(note, "note", _("请填写督办意见。"))
    with store.locked(order, expected_version) as o:
        side, unit = check_move(o, "supervise", actor, store=store)
        if side is Side.SYSTEM and not platform_key:
            raise PermissionDenied(
                _("您无权对工单 %(number)s 执行“%(action)s”。")
                % {"number": o.number, "action": MOVES["supervise"].label}
            )
        o.supervision_level = min(MAX_LEVEL, o.supervision_level + 1)
        data: dict[str, object] = {"level": o.supervision_level}
        if side is Side.SYSTEM:
            data["platform_key"] = platform_key
        record(o, "supervise", actor, store=store, acting_unit=unit, note=text, data=data)
    return o


def handle_level(order: WorkOrder, now: datetime) -> int:
    """0 on time; 1 near due; 2 overdue; 3 overdue a working day; 4 overdue three."""
    if order.handle_due_at is None:
        return 0
    if now <= order.handle_due_at:
        return 1 if order.handle_warn_at is not None and now >= order.handle_warn_at else 0
    late_days = work_calendar().working_minutes_between(order.handle_due_at, now) / work_calendar().minutes_per_day
    if late_days >= 3:
        return 4
    if late_days >= 1:
        return 3
    return 2


def watch_candidates(now: datetime) -> Q:
    """Orders that may need a notice: a unit holds them and the warning time has passed."""
    return Q(state__in=sorted(WATCHED), handle_warn_at__lte=now) | Q(
        state=State.DISPATCHED, sign_due_at__lte=now, signed_at__isnull=True
    )


def issue_deadline_notice(order_id: int, now: datetime) -> list[SupervisionNotice]:
    """Give one order the notices it is due, each exactly once. Called by the sweep with
    the row locked (skip_locked), so parallel workers never wait on each other."""
    issued: list[SupervisionNotice] = []
    with transaction.atomic():
        o = (
            WorkOrder.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("hub", "lead_unit", "owner")
            .filter(pk=order_id)
            .first()
        )
        if o is None or o.state not in WATCHED:
            return issued
        wanted: list[tuple[str, int, datetime]] = []
        level = handle_level(o, now)
        if level > o.watch_level and o.handle_due_at is not None:
            wanted.append((DeadlineStage.HANDLE, level, o.handle_due_at))
        if o.state == State.DISPATCHED and o.signed_at is None and o.sign_due_at is not None and now > o.sign_due_at:
            wanted.append((DeadlineStage.SIGN, 2, o.sign_due_at))
        for stage, notice_level, due in wanted:
            if SupervisionNotice.objects.filter(order=o, stage=stage, due_at=due, level=notice_level).exists():
                continue
            try:
                with transaction.atomic():
                    if stage == DeadlineStage.HANDLE:
                        o.watch_level = notice_level
                        o.supervision_level = max(o.supervision_level, notice_level)
                    check_move(o, "deadline_notice", None)
                    event = record(
                        o,
                        "deadline_notice",
                        None,
                        note="",
                        data={"stage": stage, "level": notice_level, "due_at": due.isoformat()},
                    )
                    assert isinstance(event, OrderEvent)  # the sweep writes to the database store
                    issued.append(
                        SupervisionNotice.objects.create(
                            order=o, stage=stage, level=notice_level, due_at=due, event=event, created_at=clock.now()
                        )
                    )
            except IntegrityError:
                # Another worker issued this very notice a moment ago.
                o.refresh_from_db()
    return issued


def run_deadline_watch(now: datetime | None = None, batch: int = 500) -> int:
    """One pass of the deadline watch; returns how many notices it issued."""
    now = now or clock.now()
    ids = list(
        WorkOrder.objects.filter(watch_candidates(now))
        .order_by("handle_due_at")
        .values_list("pk", flat=True)[: batch * 20]
    )
    issued = 0
    for order_id in ids:
        issued += len(issue_deadline_notice(order_id, now))
    return issued
