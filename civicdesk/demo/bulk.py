"""A fast engine for the demo's history: the real moves, with their rows kept in memory.

`BulkEngine` implements the Engine protocol of civicdesk.demo.history, so the very same
Simulation drives it. It runs the very same move functions as live use
(civicdesk.orders.actions, the move kernel), but as their store (civicdesk.orders.store):
instead of locking each order in a transaction of its own, it keeps the orders of a batch in
memory, lets each move change them there, and writes the batch with a handful of COPYs (or
bulk inserts). Primary keys are handed out up front, so the rows can point at each other
before any of them exists. All that is left here is about speed: batching, ids, COPY, and
the in-memory answers to what a move and the outbox rules ask.

tests/demo/test_bulk_matches_actions.py runs the Simulation and every other move through
both engines and checks that every order comes out the same.

Limits: it is meant for loading history into a database nobody else writes to at the same
time (ids are taken from max(id) + 1), and an order can only be moved while its batch is in
memory, which is always true for the Simulation (an order lives its whole life before the
next one is created). A move refused half-way leaves its changes in memory (there is no
transaction to roll back): the Simulation makes valid moves only.
"""

from __future__ import annotations

import enum
import gc
import json
import operator
import queue
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, TypeVar, cast

from django.core.files.uploadedfile import UploadedFile
from django.core.management.color import no_style
from django.db import connection, connections, models, transaction
from django.db.models import Max
from django.utils import timezone

from civicdesk.catalogue.models import Topic
from civicdesk.demo.history import MOVE_FUNCTIONS
from civicdesk.notifications.models import OutboxMessage
from civicdesk.orders import clock, repeats
from civicdesk.orders.actions import create_order
from civicdesk.orders.actions.base import stale
from civicdesk.orders.models import (
    Assignment,
    AssignmentRole,
    OrderEvent,
    OrderNumberCounter,
    SequenceCounter,
    WorkOrder,
)
from civicdesk.orders.permissions import intake_unit
from civicdesk.orders.repeats import Call
from civicdesk.orders.store import OrderRef, RecordedEvent
from civicdesk.org.models import OrgUnit, User

TopicLink = WorkOrder.topics.through
RowT = TypeVar("RowT", bound=models.Model)
T = TypeVar("T")

# Datetime fields of an order; the real actions see them as read back from the database (UTC).
_DATETIME_FIELDS = tuple(f.attname for f in WorkOrder._meta.concrete_fields if isinstance(f, models.DateTimeField))
_INSERT_BATCH = 2000
# The tables whose ids BulkEngine hands out itself.
_WRITTEN: tuple[type[models.Model], ...] = (WorkOrder, Assignment, OrderEvent, OutboxMessage)
# Events are the bulk of the rows: kept as plain tuples in these columns.
EVENT_COLUMNS = (
    "id",
    "order_id",
    "seq",
    "action",
    "actor_id",
    "acting_unit_id",
    "at",
    "from_state",
    "to_state",
    "note",
    "data",
)


@dataclass(slots=True)
class _Event:
    """An event as the move and its reactions see it (civicdesk.orders.store.RecordedEvent)."""

    pk: int
    seq: int
    action: str
    actor_id: int | None
    to_state: str
    note: str
    data: dict[str, Any]
    at: datetime


@dataclass
class _Batch:
    orders: list[WorkOrder]
    assignments: list[Assignment]
    topic_links: list[tuple[int, int]]
    events: list[tuple[Any, ...]]
    # What the reactions to the moves added (outbox messages, rating links), by model.
    rows: dict[type[models.Model], list[models.Model]]
    counters: dict[date, int] = field(default_factory=dict)
    sequences: dict[str, int] = field(default_factory=dict)


def _plain(value: Any) -> Any:
    return value.value if isinstance(value, enum.Enum) else value


def _model_rows(objs: list[Any], model: type[models.Model]) -> tuple[list[str], list[tuple[Any, ...]]]:
    fields = list(model._meta.concrete_fields)
    # COPY takes JSON columns as text (a Python list would go as an array).
    as_json = connection.vendor == "postgresql"
    converters = [json.dumps if as_json and isinstance(f, models.JSONField) else _plain for f in fields]
    # Every row of a batch passes here (in the writer, beside the next batch being built):
    # the values are read all at once, the database's kind asked once per batch.
    read = operator.attrgetter(*(f.attname for f in fields))
    rows = [tuple(convert(v) for convert, v in zip(converters, read(o), strict=True)) for o in objs]
    return [f.column for f in fields], rows


def _copy(cursor: Any, table: str, columns: Iterable[str], rows: Iterable[tuple[Any, ...]]) -> None:
    quote = connection.ops.quote_name
    sql = f"COPY {quote(table)} ({', '.join(quote(c) for c in columns)}) FROM STDIN"
    with cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(row)


def _write_batch(batch: _Batch) -> None:
    """One transaction per batch: COPY on PostgreSQL, bulk_create elsewhere."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as wrapper:
                cursor = wrapper.cursor  # the psycopg cursor, for COPY
                cursor.execute("SET LOCAL synchronous_commit TO off")
                for model, objs in ((WorkOrder, batch.orders), (Assignment, batch.assignments)):
                    columns, rows = _model_rows(objs, model)
                    _copy(cursor, model._meta.db_table, columns, rows)
                _copy(cursor, TopicLink._meta.db_table, ("workorder_id", "topic_id"), batch.topic_links)
                data = EVENT_COLUMNS.index("data")
                _copy(
                    cursor,
                    OrderEvent._meta.db_table,
                    EVENT_COLUMNS,
                    ((*row[:data], json.dumps(row[data])) for row in batch.events),
                )
                for row_model, added in batch.rows.items():
                    if row_model in _WRITTEN:
                        columns, rows = _model_rows(added, row_model)
                        _copy(cursor, row_model._meta.db_table, columns, rows)
        else:
            WorkOrder.objects.bulk_create(batch.orders, batch_size=_INSERT_BATCH)
            TopicLink.objects.bulk_create(
                [TopicLink(workorder_id=o, topic_id=t) for o, t in batch.topic_links], batch_size=_INSERT_BATCH
            )
            Assignment.objects.bulk_create(batch.assignments, batch_size=_INSERT_BATCH)
            event_fields = [f if f != "id" else "pk" for f in EVENT_COLUMNS]
            OrderEvent.objects.bulk_create(
                [OrderEvent(**dict(zip(event_fields, row, strict=True))) for row in batch.events],
                batch_size=_INSERT_BATCH,
            )
            for row_model, added in batch.rows.items():
                if row_model in _WRITTEN:
                    row_model._default_manager.bulk_create(added, batch_size=_INSERT_BATCH)
        # The few rows of other tables (rating links) take ids from their sequence.
        for row_model, added in batch.rows.items():
            if row_model not in _WRITTEN:
                row_model._default_manager.bulk_create(added, batch_size=_INSERT_BATCH)
        if batch.sequences:
            SequenceCounter.objects.bulk_create(
                [SequenceCounter(key=key, last=last) for key, last in sorted(batch.sequences.items())],
                update_conflicts=True,
                unique_fields=["key"],
                update_fields=["last"],
            )
        if batch.counters:
            OrderNumberCounter.objects.bulk_create(
                [OrderNumberCounter(day=day, last=last) for day, last in sorted(batch.counters.items())],
                update_conflicts=True,
                unique_fields=["day"],
                update_fields=["last"],
            )
        # Explicit ids leave PostgreSQL's sequences behind; move them past the new rows.
        statements = connection.ops.sequence_reset_sql(no_style(), list(_WRITTEN))
        if statements:
            with connection.cursor() as cursor:
                for sql in statements:
                    cursor.execute(sql)


# The collector's thresholds while an engine runs. The engine keeps a batch of thousands of
# orders alive (instances, events, their data), and at the default thresholds (700, 10, 10)
# the collector walks them again and again: a fifth of an import's CPU time went there. The
# moves make almost no reference cycles (refcounting frees their garbage), so the young
# generation is collected 70 times less often and the older ones hardly at all; what lived
# before the engine started (modules, the apps' registries) is set aside (gc.freeze).
_GC_THRESHOLDS = (50_000, 50, 1000)
_gc_lock = threading.Lock()
_gc_users = 0
_gc_saved: tuple[int, int, int] = (700, 10, 10)


def _collect_less(start: bool) -> None:
    """Raise the collector's thresholds for the first engine that starts; restore them when
    the last one closes."""
    global _gc_users, _gc_saved
    with _gc_lock:
        if start:
            if _gc_users == 0:
                _gc_saved = gc.get_threshold()
                gc.freeze()
                gc.set_threshold(*_GC_THRESHOLDS)
            _gc_users += 1
        else:
            _gc_users -= 1
            if _gc_users == 0:
                gc.set_threshold(*_gc_saved)
                gc.unfreeze()


class _Writer:
    """Writes batches in order, on a thread of its own when that is safe (PostgreSQL, not
    inside a transaction of the caller), so the database works while the next batch is built."""

    def __init__(self, threaded: bool) -> None:
        self.threaded = threaded
        self._queue: queue.Queue[_Batch | None] = queue.Queue(maxsize=1)
        self._error: BaseException | None = None
        self._thread: threading.Thread | None = None
        if threaded:
            self._thread = threading.Thread(target=self._run, name="bulk-writer", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        try:
            while True:
                batch = self._queue.get()
                if batch is None:
                    return
                if self._error is None:
                    try:
                        _write_batch(batch)
                    except BaseException as exc:
                        self._error = exc
        finally:
            connections.close_all()

    def _raise(self) -> None:
        if self._error is not None:
            error, self._error = self._error, None
            raise error

    def write(self, batch: _Batch) -> None:
        if not self.threaded:
            _write_batch(batch)
            return
        self._raise()
        self._queue.put(batch)

    def close(self) -> None:
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join()
            self._thread = None
        self._raise()


class BulkEngine:
    """Runs the moves against rows held in memory and writes them in batches of orders."""

    def __init__(
        self,
        batch_size: int = 5000,
        on_flush: Callable[[int], None] | None = None,
        threaded: bool | None = None,
    ) -> None:
        """`on_flush(n)` is told the number of orders handed to the writer so far. `threaded`
        (default: when on PostgreSQL outside a transaction) writes batches on a thread."""
        self.batch_size = batch_size
        self.on_flush = on_flush
        self.threaded = threaded
        self._writer: _Writer | None = None
        self.flushed_orders = 0
        self._started = False
        # The batch: its orders with their assignments, topics and (action, data) history.
        self._orders: dict[int, WorkOrder] = {}
        self._assignments: dict[int, list[Assignment]] = {}
        self._topics: dict[int, list[Topic]] = {}
        self._history: dict[int, list[tuple[str, dict[str, Any]]]] = {}
        # Merged children of orders still in memory.
        self._children: dict[int, list[WorkOrder]] = {}
        self._events: list[tuple[Any, ...]] = []
        self._rows: dict[type[models.Model], list[models.Model]] = {}
        # The latest event, and the rows its reactions added so far (Store.rows_added).
        self._latest: tuple[int, dict[type[models.Model], list[models.Model]]] = (0, {})
        self._counters: dict[date, int] = {}
        # Named sequences (Store.next_in_sequence): read once, counted here, written with the batch.
        self._sequences: dict[str, int] = {}
        self._dirty_sequences: set[str] = set()
        self._dirty_days: set[date] = set()
        self._upstream: set[tuple[str, str]] = set()
        self._next: dict[type[models.Model], int] = {}
        # What the database would answer again and again, asked once (Store.memo).
        self._intake: dict[tuple[int, int], tuple[OrgUnit, OrgUnit]] = {}
        self._memo: dict[tuple[Any, ...], Any] = {}
        # The orders of the repeat-call window (Store.calls_around), by number, oldest first,
        # and their numbers in the order taken (to forget them as the window moves on); the
        # latest order time the database held when the engine started (before it, ask it).
        # Kept as (time, category, its parent, id): instances would keep a month of orders alive.
        self._calls: dict[str, list[tuple[datetime, int, int | None, int]]] = {}
        self._call_times: deque[tuple[datetime, str]] = deque()
        self._database_until: datetime | None = None

    # --- the Engine protocol (civicdesk.demo.history) ----------------------------------
    def create(self, at: datetime, **fields: Any) -> WorkOrder:
        self._start()
        if len(self._orders) >= self.batch_size:
            self.flush()
        with clock.running_at(at):
            return create_order(store=self, **fields)

    def do(self, action: str, order: WorkOrder, at: datetime, actor: User | None, **params: Any) -> WorkOrder:
        with clock.running_at(at):
            return MOVE_FUNCTIONS[action](order, actor=actor, store=self, **params)

    def current(self, order: WorkOrder) -> WorkOrder:
        return self._orders.get(order.pk, order)

    def assisting_units(self, order: WorkOrder) -> list[OrgUnit]:
        """The order's active assisting units, in the order they were assigned (also the Store's)."""
        return [a.unit for a in self.active_assignments(order) if a.role == AssignmentRole.ASSIST]

    # --- writing ----------------------------------------------------------------------
    def _start(self) -> None:
        if self._started:
            return
        self._started = True
        _collect_less(True)
        threaded = self.threaded
        if threaded is None:
            threaded = connection.vendor == "postgresql" and not connection.in_atomic_block
        self._writer = _Writer(threaded)
        for model in _WRITTEN:
            self._next[model] = (model._default_manager.aggregate(m=Max("pk"))["m"] or 0) + 1
        self._counters = dict(OrderNumberCounter.objects.values_list("day", "last"))
        self._database_until = WorkOrder.objects.aggregate(m=Max("created_at"))["m"]

    def _id(self, model: type[models.Model]) -> int:
        value = self._next[model]
        self._next[model] = value + 1
        return value

    def flush(self) -> None:
        """Write everything built so far and forget it."""
        if not self._started:
            return
        assert self._writer is not None
        count = len(self._orders)
        batch = _Batch(
            orders=list(self._orders.values()),
            assignments=sorted((a for rows in self._assignments.values() for a in rows), key=lambda a: a.pk),
            topic_links=[(order_id, t.pk) for order_id, topics in self._topics.items() for t in topics],
            events=self._events,
            rows=self._rows,
            counters={day: self._counters[day] for day in self._dirty_days},
            sequences={key: self._sequences[key] for key in self._dirty_sequences},
        )
        self._writer.write(batch)
        self.flushed_orders += count
        self._orders = {}
        self._assignments = {}
        self._topics = {}
        self._history = {}
        self._children = {}
        self._events = []
        self._rows = {}
        self._dirty_days = set()
        self._dirty_sequences = set()
        if self.on_flush is not None:
            self.on_flush(self.flushed_orders)

    def close(self) -> None:
        """Write what is left and wait until every batch is in the database."""
        try:
            self.flush()
        finally:
            if self._writer is not None:
                try:
                    self._writer.close()
                finally:
                    self._writer = None
                    self._started = False
                    _collect_less(False)

    @staticmethod
    def analyze() -> None:
        """Fresh planner statistics after a large load (PostgreSQL), before autovacuum gets to it."""
        if connection.vendor != "postgresql":
            return
        with connection.cursor() as cursor:
            for model in (*_WRITTEN, TopicLink):
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")

    # --- the Store of the moves (civicdesk.orders.store), in memory ---------------------
    @contextmanager
    def locked(self, order: OrderRef, expected_version: int | None) -> Iterator[WorkOrder]:
        # Nobody else writes while the history loads: nothing to lock, nothing to roll back.
        order_id = order.pk if isinstance(order, WorkOrder) else order
        o = self._orders.get(order_id)
        if o is None:
            raise RuntimeError(f"order {order_id} is no longer in memory; BulkEngine moves orders of its batch only")
        _as_read_back(o)
        if expected_version is not None and o.version != expected_version:
            raise stale(o)
        yield o

    @contextmanager
    def locked_pair(
        self, order: OrderRef, other: OrderRef, expected_version: int | None
    ) -> Iterator[tuple[WorkOrder, WorkOrder]]:
        other_id = other.pk if isinstance(other, WorkOrder) else other
        second = self._orders.get(other_id)
        if second is None:
            # The live store reads it back. An order of an earlier batch no longer changes,
            # so the instance this engine handed out (via current()) is as good.
            second = other if isinstance(other, WorkOrder) else WorkOrder.objects.get(pk=other_id)
        with self.locked(order, expected_version) as first:
            yield first, second

    def creating(self) -> AbstractContextManager[None]:
        return nullcontext()

    def intake_unit(self, actor: User, hub: OrgUnit | None) -> tuple[OrgUnit, OrgUnit]:
        key = (actor.pk, hub.pk if hub else 0)
        if key not in self._intake:
            self._intake[key] = intake_unit(actor, hub)
        return self._intake[key]

    def next_number(self, at: datetime) -> str:
        day = timezone.localdate(at)
        last = self._counters.get(day, 0) + 1
        self._counters[day] = last
        self._dirty_days.add(day)
        return OrderNumberCounter.format(day, last)

    def next_in_sequence(self, key: str) -> int:
        if key not in self._sequences:
            self._sequences[key] = SequenceCounter.objects.filter(key=key).values_list("last", flat=True).first() or 0
        self._sequences[key] += 1
        self._dirty_sequences.add(key)
        return self._sequences[key]

    def upstream_taken(self, platform: str, upstream_id: str) -> bool:
        return (platform, upstream_id) in self._upstream or WorkOrder.objects.filter(
            upstream_platform=platform, upstream_id=upstream_id
        ).exists()

    def calls_around(self, order: WorkOrder) -> list[Call]:
        if not order.citizen_phone or order.category is None:
            return []
        window = repeats.window()
        if self._call_times and order.created_at < self._call_times[-1][0]:
            raise RuntimeError("BulkEngine takes orders in time order (the repeat calls are decided in memory)")
        # Forget the numbers' calls that no later order can repeat any more.
        while self._call_times and self._call_times[0][0] < order.created_at - window:
            _at, phone = self._call_times.popleft()
            kept = self._calls[phone]
            del kept[0]
            if not kept:
                del self._calls[phone]
        category, parent = order.category.pk, order.category.parent_id
        found = [
            # Taken in time order, none is later than the new order: whether it was a repeat
            # call itself does not matter (nothing to mark).
            Call(pk, at, True)
            for at, category_id, parent_id, pk in self._calls.get(order.citizen_phone, ())
            if category_id == category or (parent is not None and parent_id == parent)
        ]
        if self._database_until is not None and order.created_at - window <= self._database_until:
            # The window reaches back before the engine started: the database's orders too.
            rows = repeats.calls_around(order).values_list("pk", "created_at", "repeat_call")
            found.extend(Call(*row) for row in rows)
        return found

    def mark_repeat_calls(self, order_ids: list[int]) -> None:
        # Taken in time order, the later orders are those the database held before the engine
        # started (calls_around asked it): written there.
        WorkOrder.objects.filter(pk__in=order_ids, repeat_call=False).update(repeat_call=True)

    def _remember_call(self, order: WorkOrder) -> None:
        if order.citizen_phone and order.category is not None:
            entry = (order.created_at, order.category.pk, order.category.parent_id, order.pk)
            self._calls.setdefault(order.citizen_phone, []).append(entry)
            self._call_times.append((order.created_at, order.citizen_phone))

    def insert_order(self, order: WorkOrder, topics: list[Topic]) -> bool:
        order.pk = self._id(WorkOrder)
        self._remember_call(order)
        self._orders[order.pk] = order
        self._assignments[order.pk] = []
        self._topics[order.pk] = list(topics)
        self._history[order.pk] = []
        if order.upstream_id:
            self._upstream.add((order.upstream_platform, order.upstream_id))
        return True

    def topics(self, order: WorkOrder) -> list[Topic]:
        return list(self._topics[order.pk])

    def add_topics(self, order: WorkOrder, topics: Iterable[Topic]) -> None:
        kept = self._topics[order.pk]
        kept.extend(t for t in topics if t.pk not in {k.pk for k in kept})

    def adopt_children(self, order: WorkOrder, parent: WorkOrder) -> None:
        # A new order has no merged children of its own, so none follow it onto the parent.
        assert not self._children.get(order.pk), "BulkEngine merges only orders without merged children"
        # Only a parent still in memory can move (and close) again in this engine.
        if parent.pk in self._orders:
            self._children.setdefault(parent.pk, []).append(order)

    def merged_children(self, order: WorkOrder) -> list[WorkOrder]:
        return list(self._children.get(order.pk, ()))

    def active_assignments(self, order: WorkOrder) -> list[Assignment]:
        return [a for a in self._assignments.get(order.pk, ()) if a.active]

    def lead_history(self, order: WorkOrder) -> list[int]:
        return [
            a.unit_id
            for a in sorted(self._assignments[order.pk], key=lambda a: (a.dispatched_at, a.pk))
            if a.role == AssignmentRole.LEAD and a.parent_id is None
        ]

    def add_assignment(self, assignment: Assignment) -> None:
        assignment.pk = self._id(Assignment)
        self._assignments[assignment.order_id].append(assignment)

    def save_assignment(self, assignment: Assignment, fields: list[str]) -> None:
        pass  # the instance in memory is the row; it is written with the batch

    def end_assignments(self, order: WorkOrder, at: datetime, reason: str) -> None:
        for a in self.active_assignments(order):
            a.active = False
            a.ended_at = at
            a.end_reason = reason

    def last_event(self, order: WorkOrder, actions: tuple[str, ...]) -> tuple[str, dict[str, Any]] | None:
        return next((entry for entry in reversed(self._history[order.pk]) if entry[0] in actions), None)

    def events_of(self, order: WorkOrder, actions: tuple[str, ...]) -> list[tuple[str, dict[str, Any]]]:
        return [entry for entry in self._history[order.pk] if entry[0] in actions]

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
    ) -> _Event:
        event = _Event(
            self._id(OrderEvent),
            order.event_count,
            action,
            actor.pk if actor is not None else None,
            order.state,
            note,
            data,
            at,
        )
        self._events.append(
            (
                event.pk,
                order.pk,
                order.event_count,
                action,
                event.actor_id,
                acting_unit.pk if acting_unit is not None else None,
                at,
                source,
                order.state,
                note,
                data,
            )
        )
        self._history[order.pk].append((action, data))
        self._latest = (event.pk, {})
        return event

    def attach(self, order: WorkOrder, event: RecordedEvent, files: list[UploadedFile], actor: User | None) -> None:
        if files:
            raise ValueError("BulkEngine does not store attachment files; use ActionEngine")

    def add_rows(self, rows: Sequence[models.Model]) -> None:
        latest = self._latest[1]
        for row in rows:
            model = type(row)
            if model in _WRITTEN:
                row.pk = self._id(model)
            self._rows.setdefault(model, []).append(row)
            latest.setdefault(model, []).append(row)

    def rows_added(self, model: type[RowT], event: RecordedEvent) -> list[RowT]:
        # Reactions ask about the move they react to, the latest; earlier ones are not kept.
        assert event.pk == self._latest[0], "rows_added is for the event being recorded"
        return [row for row in self._latest[1].get(model, ()) if isinstance(row, model)]

    def on_commit(self, callback: Callable[[], None]) -> None:
        # Not run: what a move sets going after its commit (delivering its messages, the
        # auto-dispatch of an order entering the queue) belongs to the moment it is made live;
        # for a history that moment is past, and what followed is part of the history.
        pass

    def queue_reactions(self, order: WorkOrder, event: RecordedEvent, names: list[str]) -> None:
        # Not queued, for the same reason as on_commit: the demo groups its history into
        # hotspots once it is loaded (hotspots.grouping.rebuild).
        pass

    def memo(self, key: tuple[Any, ...], compute: Callable[[], T]) -> T:
        # Nobody else writes while the history loads: the database's answers stay true.
        if key not in self._memo:
            self._memo[key] = compute()
        return cast(T, self._memo[key])


def _as_read_back(order: WorkOrder) -> None:
    """A move works on the order as loaded from the database: datetimes in UTC."""
    for name in _DATETIME_FIELDS:
        value = order.__dict__[name]
        if value is not None and value.tzinfo is not UTC:
            order.__dict__[name] = value.astimezone(UTC)
    if not isinstance(order.extension_days, Decimal):
        order.extension_days = Decimal(str(order.extension_days)).quantize(Decimal("0.1"))
