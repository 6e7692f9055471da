"""The one way an order changes: lock it, check the move and the right, change it,
append one event, announce it (civicdesk.orders.reactions: the outbox rows and the other
in-transaction reactions) — all in one transaction.

This package is the move kernel: each move is written once and reads and writes through a
store (civicdesk.orders.store). Live moves use DATABASE below; the demo's bulk generator
passes its in-memory store to the very same functions."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from datetime import date, datetime
from functools import cache
from typing import Any, TypeVar

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, connection, models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from civicdesk.catalogue.models import Topic
from civicdesk.lib.controls import strip_bidi
from civicdesk.orders import attachments as attachment_files
from civicdesk.orders import clock, repeats
from civicdesk.orders.errors import ConflictError, InvalidInput, InvalidTransition
from civicdesk.orders.models import (
    Assignment,
    AssignmentRole,
    OrderEvent,
    OrderNumberCounter,
    SequenceCounter,
    WorkOrder,
)
from civicdesk.orders.permissions import AccessRule, access_rules, active_assisting_units, authorize, intake_unit
from civicdesk.orders.reactions import move_recorded
from civicdesk.orders.repeats import Call
from civicdesk.orders.store import OrderRef, RecordedEvent, Store
from civicdesk.orders.tasks import queue_reactions
from civicdesk.orders.workflow import CREATE, MOVES, Side, State, label
from civicdesk.org.models import OrgUnit, User

__all__ = [
    "CREATED",
    "DATABASE",
    "DatabaseStore",
    "OrderRef",
    "Store",
    "check_move",
    "is_choice",
    "locked_order",
    "record",
]

RowT = TypeVar("RowT", bound=models.Model)
T = TypeVar("T")


def stale(order: WorkOrder, last: OrderEvent | None = None) -> ConflictError:
    """The refusal for a move made on a version of the order that is no longer current.

    With the order's latest event it says who acted, with what and when ("刚被 张三 于 10:02
    处理过"), and to the person who acted themselves "被你在另一窗口处理过": reading it here,
    where the conflict is found, spares the thirty-odd moves any change."""
    state = order.get_state_display()
    if last is None:
        return ConflictError(
            _("工单 %(number)s 刚被他人处理过（当前状态：%(state)s），请查看最新情况后再操作。")
            % {"number": order.number, "state": state}
        )
    moment = timezone.localtime(last.at)
    when = moment.strftime("%H:%M" if moment.date() == timezone.localdate() else "%m-%d %H:%M")
    who = str(last.actor) if last.actor is not None else _("系统")
    if last.acting_unit is not None:
        who = f"{last.acting_unit.name} {who}"
    values = {"number": order.number, "who": who, "when": when, "action": _move_name(last.action), "state": state}
    return ConflictError(
        _(
            "工单 %(number)s 刚被 %(who)s 于 %(when)s 处理过（%(action)s，当前状态：%(state)s），"
            "请查看最新情况后再操作。"
        )
        % values,
        actor_id=last.actor_id,
        own_message=_(
            "工单 %(number)s 已被你在另一窗口于 %(when)s 处理过（%(action)s，当前状态：%(state)s），"
            "请查看最新情况后再操作。"
        )
        % values,
    )


def _move_name(action: str) -> str:
    try:
        return label(action)
    except KeyError:  # an event older than the current table of moves
        return action


def last_event(order: WorkOrder) -> OrderEvent | None:
    return OrderEvent.objects.filter(order_id=order.pk).select_related("actor", "acting_unit").order_by("-seq").first()


@contextmanager
def locked_order(order: OrderRef, expected_version: int | None = None) -> Iterator[WorkOrder]:
    """Open a transaction holding the order's row lock.

    A second person acting at the same moment waits here, then sees the first one's
    result: if they acted on what is now a stale version, they get a ConflictError.
    """
    order_id = order.pk if isinstance(order, WorkOrder) else order
    with transaction.atomic():
        try:
            current = (
                WorkOrder.objects.select_for_update(of=("self",))
                .select_related("hub", "upper_hub", "lead_unit", "category", "owner")
                .get(pk=order_id)
            )
        except WorkOrder.DoesNotExist:
            raise InvalidInput(_("工单不存在。")) from None
        if expected_version is not None and current.version != expected_version:
            raise stale(current, last_event(current))
        # One moment for the whole move, taken after the lock was granted: the event and
        # every time the move sets on the order (signed_at, closed_at, ...) agree exactly.
        with clock.running_at(clock.now()):
            yield current


class DatabaseStore:
    """The live store: the order's row locked in a transaction, every row written at once
    with the ORM, the outbox rows in the same transaction."""

    def locked(self, order: OrderRef, expected_version: int | None) -> AbstractContextManager[WorkOrder]:
        return locked_order(order, expected_version)

    @contextmanager
    def locked_pair(
        self, order: OrderRef, other: OrderRef, expected_version: int | None
    ) -> Iterator[tuple[WorkOrder, WorkOrder]]:
        order_id = order.pk if isinstance(order, WorkOrder) else order
        other_id = other.pk if isinstance(other, WorkOrder) else other
        with transaction.atomic():
            # Lock both rows in id order so two crossing merges cannot deadlock. (Not .count():
            # Django drops FOR UPDATE from an aggregate, which would lock nothing.)
            locked = list(
                WorkOrder.objects.select_for_update()
                .filter(pk__in=[order_id, other_id])
                .order_by("pk")
                .values_list("pk", flat=True)
            )
            if other_id not in locked:
                message = _("要并入的工单不存在。")
                raise InvalidInput(message, fields={"into": message})
            second = WorkOrder.objects.get(pk=other_id)
            with locked_order(order_id, expected_version) as first:
                yield first, second

    def creating(self) -> AbstractContextManager[None]:
        return transaction.atomic()

    def intake_unit(self, actor: User, hub: OrgUnit | None) -> tuple[OrgUnit, OrgUnit]:
        return intake_unit(actor, hub)

    def next_number(self, at: datetime) -> str:
        """The next order number of the local day, e.g. 2026120100017.

        Inside a transaction the day's counter stays locked until it ends, and a rollback gives
        the number back. Outside one (the REST API's creation), the number is taken by one
        statement committed at once: every new order of the day waits on the counter's row, for
        that statement instead of the whole of another order's creation. A creation that fails
        afterwards leaves its number unused (a gap in the day's numbers)."""
        day = timezone.localdate(at)
        count = _counted if connection.in_atomic_block else _counted_apart
        last = count(day)
        if last is None:
            try:
                with transaction.atomic():
                    OrderNumberCounter.objects.create(day=day, last=1)
                last = 1
            except IntegrityError:
                # Another transaction created today's counter first; count on it.
                last = count(day)
        if last is None:  # cannot be: the row exists by now, ours or the other transaction's
            raise RuntimeError(f"no order number counter for {day}")
        return OrderNumberCounter.format(day, last)

    def next_in_sequence(self, key: str) -> int:
        """Must run in a transaction: the counter's row stays locked until it commits."""
        updated = SequenceCounter.objects.filter(key=key).update(last=F("last") + 1)
        if not updated:
            try:
                with transaction.atomic():
                    SequenceCounter.objects.create(key=key, last=1)
            except IntegrityError:
                # Another transaction started the sequence first; count on it.
                SequenceCounter.objects.filter(key=key).update(last=F("last") + 1)
        return SequenceCounter.objects.select_for_update().get(key=key).last

    def upstream_taken(self, platform: str, upstream_id: str) -> bool:
        return WorkOrder.objects.filter(upstream_platform=platform, upstream_id=upstream_id).exists()

    def calls_around(self, order: WorkOrder) -> list[Call]:
        return [Call(*row) for row in repeats.calls_around(order).values_list("pk", "created_at", "repeat_call")]

    def mark_repeat_calls(self, order_ids: list[int]) -> None:
        WorkOrder.objects.filter(pk__in=order_ids, repeat_call=False).update(repeat_call=True)

    def insert_order(self, order: WorkOrder, topics: list[Topic]) -> bool:
        if not order.upstream_id:
            # Its only unique value is the number the counter gave it: a failure is no race to
            # recover from, so no savepoint (two statements fewer while the counter is locked).
            order.save()
        else:
            try:
                with transaction.atomic():
                    order.save()
            except IntegrityError:
                # A concurrent call brought the same upstream order a moment earlier.
                return False
        if topics:
            # A new order has none to replace: add() (set() would read them first).
            order.topics.add(*topics)
        known_topics(order, topics)
        return True

    def topics(self, order: WorkOrder) -> list[Topic]:
        return list(order.topics.all())

    def add_topics(self, order: WorkOrder, topics: Iterable[Topic]) -> None:
        order.topics.add(*topics)

    def adopt_children(self, order: WorkOrder, parent: WorkOrder) -> None:
        order.merged_children.update(parent=parent)

    def merged_children(self, order: WorkOrder) -> list[WorkOrder]:
        return list(order.merged_children.order_by("pk"))

    def active_assignments(self, order: WorkOrder) -> list[Assignment]:
        return list(Assignment.objects.filter(order=order, active=True).select_related("unit").order_by("pk"))

    def assisting_units(self, order: WorkOrder) -> list[OrgUnit]:
        return active_assisting_units(order)

    def lead_history(self, order: WorkOrder) -> list[int]:
        return list(
            Assignment.objects.filter(order=order, role=AssignmentRole.LEAD, parent__isnull=True)
            .order_by("dispatched_at", "pk")
            .values_list("unit_id", flat=True)
        )

    def add_assignment(self, assignment: Assignment) -> None:
        assignment.save()

    def save_assignment(self, assignment: Assignment, fields: list[str]) -> None:
        assignment.save(update_fields=fields)

    def end_assignments(self, order: WorkOrder, at: datetime, reason: str) -> None:
        Assignment.objects.filter(order=order, active=True).update(active=False, ended_at=at, end_reason=reason)

    def last_event(self, order: WorkOrder, actions: tuple[str, ...]) -> tuple[str, dict[str, Any]] | None:
        return (
            OrderEvent.objects.filter(order=order, action__in=actions)
            .order_by("-seq")
            .values_list("action", "data")
            .first()
        )

    def events_of(self, order: WorkOrder, actions: tuple[str, ...]) -> list[tuple[str, dict[str, Any]]]:
        return list(
            OrderEvent.objects.filter(order=order, action__in=actions).order_by("seq").values_list("action", "data")
        )

    def append_event(
        self,
        order: WorkOrder,
        *,
        action: str,
        actor: User | None,
        at: datetime,
        source: str,
        acting_unit: OrgUnit | None,
        note: str,
        data: dict[str, Any],
    ) -> OrderEvent:
        if action != CREATE:
            order.save()
        # else: the new order's row was inserted a moment ago (insert_order) already as its
        # creation event leaves it (CREATED): saving it again would write the whole row twice.
        event = OrderEvent.objects.create(
            order=order,
            seq=order.event_count,
            action=action,
            actor=actor,
            acting_unit=acting_unit,
            at=at,
            from_state=source,
            to_state=order.state,
            note=note,
            data=data,
        )
        return event

    def attach(self, order: WorkOrder, event: RecordedEvent, files: list[UploadedFile], actor: User | None) -> None:
        assert isinstance(event, OrderEvent)
        attachment_files.store(order, event, files, actor)

    def add_rows(self, rows: Sequence[models.Model]) -> None:
        by_model: dict[type[models.Model], list[models.Model]] = defaultdict(list)
        for row in rows:
            by_model[type(row)].append(row)
        for model, objs in by_model.items():
            model._default_manager.bulk_create(objs)

    def rows_added(self, model: type[RowT], event: RecordedEvent) -> list[RowT]:
        return list(model._default_manager.filter(event_id=event.pk))

    def on_commit(self, callback: Callable[[], None]) -> None:
        transaction.on_commit(callback)

    def queue_reactions(self, order: WorkOrder, event: RecordedEvent, names: list[str]) -> None:
        # The task's row is written in the move's transaction: it commits with the move.
        queue_reactions(order.pk, event.pk, names)

    def memo(self, key: tuple[Any, ...], compute: Callable[[], T]) -> T:
        # Live, anyone may change anything between two moves: ask every time.
        return compute()


DATABASE = DatabaseStore()


def _counted(day: date) -> int | None:
    """The day's order counter plus one, or None if the day has no counter yet. The row stays
    locked until the transaction ends (so numbers follow each other without gaps): one
    statement that also returns the new value, where the database can (PostgreSQL; SQLite
    3.35+), keeps the time other new orders wait on it short."""
    if not connection.features.can_return_columns_from_insert:  # RETURNING came with it
        if not OrderNumberCounter.objects.filter(day=day).update(last=F("last") + 1):
            return None
        return OrderNumberCounter.objects.select_for_update().get(day=day).last
    quote = connection.ops.quote_name
    sql = (
        f"UPDATE {quote(OrderNumberCounter._meta.db_table)} SET {quote('last')} = {quote('last')} + 1 "  # noqa: S608
        f"WHERE {quote('day')} = %s RETURNING {quote('last')}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [connection.ops.adapt_datefield_value(day)])
        row = cursor.fetchone()
    return int(row[0]) if row else None


def _counted_apart(day: date) -> int | None:
    """_counted in a transaction of its own, committed at once (outside any transaction)."""
    if connection.vendor != "postgresql":
        with transaction.atomic():
            return _counted(day)
    # One statement, its own transaction. Its commit need not wait for the disk
    # (synchronous_commit off, for this transaction only): the order that uses the number
    # commits later, and that commit makes this one durable first (the log is written in
    # order); a crash before it loses only a number no order has.
    quote = connection.ops.quote_name
    sql = (
        "WITH quick AS (SELECT set_config('synchronous_commit', 'off', true)) "  # noqa: S608
        f"UPDATE {quote(OrderNumberCounter._meta.db_table)} SET {quote('last')} = {quote('last')} + 1 "
        f"FROM quick WHERE {quote('day')} = %s RETURNING {quote('last')}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [connection.ops.adapt_datefield_value(day)])
        row = cursor.fetchone()
    return int(row[0]) if row else None


def check_move(
    order: WorkOrder, action: str, actor: User | None, *, store: Store = DATABASE
) -> tuple[Side, OrgUnit | None]:
    """The state allows the move and the actor has the right; returns the acting side/unit."""
    move = MOVES[action]
    if order.state not in move.sources:
        raise InvalidTransition(
            _("工单 %(number)s 当前状态为“%(state)s”，不能%(action)s。")
            % {"number": order.number, "state": order.get_state_display(), "action": move.label}
        )
    # Beyond the actor and the order's units, an answer may rest on what this order alone has
    # (its assisting or convened units, an access rule's look at it): noted as it is asked.
    asked_more = False

    def assisting() -> list[OrgUnit]:
        nonlocal asked_more
        asked_more = True
        return store.assisting_units(order)

    def consulted() -> list[OrgUnit]:
        nonlocal asked_more
        asked_more = True
        return [a.unit for a in store.active_assignments(order) if a.role == AssignmentRole.CONSULT]

    def grounds() -> list[AccessRule]:
        nonlocal asked_more
        asked_more = True
        return access_rules()

    computed: list[tuple[Side, OrgUnit | None]] = []

    def decide() -> tuple[Side, OrgUnit | None] | None:
        answer = authorize(actor, order, action, assisting=assisting, consulted=consulted, grounds=grounds)
        computed.append(answer)
        return None if asked_more else answer

    # A store that keeps answers while nobody else writes (the bulk engines: an import checks the
    # same account on the same units thousands of times) keeps this one per actor, move and the
    # order's units, when it rested on nothing else: the same inputs take the same path to it.
    # A refusal raises and is never kept; an answer that rested on more is kept as None.
    key = (
        "authorize",
        actor.pk if actor is not None else None,
        action,
        order.hub_id,
        order.upper_hub_id,
        order.callback_upper,
        order.awaiting_upper,
        order.lead_unit_id,
    )
    kept = store.memo(key, decide)
    if kept is not None:
        return kept
    if computed:
        return computed[0]
    return authorize(actor, order, action, assisting=assisting, consulted=consulted)


def record(
    order: WorkOrder,
    action: str,
    actor: User | None,
    *,
    to_state: str | None = None,
    acting_unit: OrgUnit | None = None,
    note: str = "",
    data: dict[str, Any] | None = None,
    store: Store = DATABASE,
) -> RecordedEvent:
    """Apply the move to the (locked, already changed) order and append its event."""
    move = MOVES[action]
    source = order.state
    target = source if to_state is None else to_state
    if not move.allows(source, target):
        raise InvalidTransition(
            _("不能从“%(source)s”%(action)s到“%(target)s”。")
            % {"source": State(source).label, "action": move.label, "target": State(target).label}
        )
    at = clock.now()
    if target == State.CLOSED and source != State.CLOSED:
        # A closed order no longer sits with any unit: their parts end with it.
        store.end_assignments(order, at, "closed")
    order.state = target
    return _append(store, order, action, actor, at=at, source=source, acting_unit=acting_unit, note=note, data=data)


def _append(
    store: Store,
    order: WorkOrder,
    action: str,
    actor: User | None,
    *,
    at: datetime,
    source: str,
    acting_unit: OrgUnit | None,
    note: str,
    data: dict[str, Any] | None,
) -> RecordedEvent:
    order.version += 1
    order.event_count += 1
    order.updated_at = at
    event = store.append_event(
        order, action=action, actor=actor, at=at, source=source, acting_unit=acting_unit, note=note, data=data or {}
    )
    # The apps built on the core react here (outbox rows now, tasks after commit), in the same store.
    move_recorded(order, event, store)
    return event


# What its creation event leaves on a new order. A new order is built with these already
# (orders.actions.intake.create_order), so that its row is inserted once, as it will stay.
CREATED: dict[str, Any] = {"state": State.RECEIVED, "version": 1, "event_count": 1}


def record_creation(
    order: WorkOrder,
    actor: User | None,
    *,
    acting_unit: OrgUnit | None,
    data: dict[str, Any],
    store: Store = DATABASE,
) -> RecordedEvent:
    """Append the creation event (seq 1) of `order`, inserted a moment ago with CREATED."""
    if any(getattr(order, field) != value for field, value in CREATED.items()):
        raise ValueError(f"order {order.number} was not built as its creation leaves it (CREATED)")
    event = store.append_event(
        order, action=CREATE, actor=actor, at=order.created_at, source="", acting_unit=acting_unit, note="", data=data
    )
    # The apps built on the core react here, as to every move (see _append).
    move_recorded(order, event, store)
    return event


@cache
def _choice_values(choices: type[models.TextChoices]) -> frozenset[str]:
    return frozenset(choices.values)


def is_choice(value: object, choices: type[models.TextChoices]) -> bool:
    """`value in choices.values`, without the list Django builds anew on every call (a few
    microseconds, five times per imported order)."""
    return isinstance(value, str) and value in _choice_values(choices)


def _clean_text(value: str, field: str) -> str:
    # Every move's text passes here, whichever door it came in by (a form, the API, an upstream
    # platform's push, a file import): the web's input gate does not see files or JSON bodies.
    value = value or ""
    if "\x00" in value:
        message = _("含有空字符（NUL），无法保存，请删除后重试。")
        raise InvalidInput(message, fields={field: message})
    return strip_bidi(value).strip()


def require_text(value: str, field: str, message: str | Promise, *, max_length: int = 2000) -> str:
    """The text, cleaned; `message` when there is none. A move that runs thousands of times
    (an import of history) passes a lazy message, translated only when it is said."""
    value = _clean_text(value, field)
    if not value:
        said = str(message)
        raise InvalidInput(said, fields={field: said})
    if len(value) > max_length:
        too_long = _("不能超过 %(n)s 个字（现有 %(m)s 个）。") % {"n": max_length, "m": len(value)}
        raise InvalidInput(too_long, fields={field: too_long})
    return value


def optional_text(value: str, field: str, *, max_length: int = 2000) -> str:
    value = _clean_text(value, field)
    if len(value) > max_length:
        too_long = _("不能超过 %(n)s 个字（现有 %(m)s 个）。") % {"n": max_length, "m": len(value)}
        raise InvalidInput(too_long, fields={field: too_long})
    return value


def known_topics(order: WorkOrder, topics: Iterable[Topic]) -> None:
    """Keep `topics` as what order.topics.all() answers in this request, as prefetch_related
    would: the order was just written with them, so whoever reads them next (the API's answer
    to the order's creation) need not ask the database. Django drops it when they change."""
    cached: Any = order.topics.all()  # Any: the attributes below are the QuerySet's own, unannotated
    cached._result_cache = list(topics)
    cached._prefetch_done = True
    order.__dict__.setdefault("_prefetched_objects_cache", {})["topics"] = cached
