"""A fast engine for the demo's history: the same moves as the real actions, built in memory.

`BulkEngine` implements the Engine protocol of civicdesk.demo.history, so the very same
Simulation drives it. Instead of running each move as its own locked transaction, it keeps
the orders of a batch in memory, applies every move the way the action in
civicdesk.orders.actions would (same checks, same deadlines from civicdesk.orders.deadlines,
same counters, same event fields and data, same outbox rows), and writes the batch with a
handful of bulk inserts. Primary keys are handed out up front, so the rows can point at
each other before any of them exists.

tests/demo/test_bulk_matches_actions.py runs the Simulation through both engines and checks
that every order comes out the same; a change to an action must be mirrored here.

Limits: it is meant for loading history into a database nobody else writes to at the same
time (ids are taken from max(id) + 1), and an order can only be moved while its batch is in
memory, which is always true for the Simulation (an order lives its whole life before the
next one is created).
"""

from __future__ import annotations

import enum
import json
import queue
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from django.core.management.color import no_style
from django.db import connection, connections, models, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from civicdesk.catalogue.models import Topic, Urgency
from civicdesk.enterprises.tagging import with_enterprise_topic
from civicdesk.notifications.models import OutboxMessage
from civicdesk.notifications.queue import DatabaseDirectory, plan
from civicdesk.orders import deadlines, joint
from civicdesk.orders.actions.base import optional_text, require_text
from civicdesk.orders.actions.closing import CALLBACK_VIA
from civicdesk.orders.actions.dispatching import _validate_units
from civicdesk.orders.actions.handling import REPLY_MAX, _days
from civicdesk.orders.actions.intake import (
    CONTENT_MAX,
    _intake_unit,
    operator_may_dispatch,
    validated_fields,
)
from civicdesk.orders.actions.supervision import MAX_LEVEL
from civicdesk.orders.errors import ConflictError, InvalidInput, InvalidTransition, PermissionDenied
from civicdesk.orders.models import (
    Assignment,
    AssignmentRole,
    OrderEvent,
    OrderNumberCounter,
    ReplyResult,
    Satisfaction,
    TransferRoute,
    WorkOrder,
)
from civicdesk.orders.permissions import UNIT_ROLES, _covering, authorize
from civicdesk.orders.workflow import CREATE, MOVES, Side, State
from civicdesk.org.models import Membership, OrgUnit, Role, User

TopicLink = WorkOrder.topics.through

# Datetime fields of an order; the real actions see them as read back from the database (UTC).
_DATETIME_FIELDS = tuple(
    f.attname for f in WorkOrder._meta.concrete_fields if isinstance(f, models.DateTimeField)
)
_INSERT_BATCH = 2000
# The tables whose ids BulkEngine hands out itself.
_WRITTEN: tuple[type[models.Model], ...] = (WorkOrder, Assignment, OrderEvent, OutboxMessage)
# Events and outbox messages are the bulk of the rows: kept as plain tuples in these columns.
EVENT_COLUMNS = ("id", "order_id", "seq", "action", "actor_id", "acting_unit_id", "at", "from_state", "to_state",
                 "note", "data")
MESSAGE_COLUMNS = ("id", "order_id", "event_id", "medium", "user_id", "address", "template", "text", "status",
                   "created_at", "read_at")
_PENDING = OutboxMessage._meta.get_field("status").default


@dataclass(slots=True)
class _Event:
    """What the outbox rules need of an event (civicdesk.notifications.queue.plan)."""

    pk: int
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
    messages: list[tuple[Any, ...]]
    counters: dict[date, int] = field(default_factory=dict)


def _plain(value: Any) -> Any:
    return value.value if isinstance(value, enum.Enum) else value


def _model_rows(objs: list[Any], model: type[models.Model]) -> tuple[list[str], list[tuple[Any, ...]]]:
    fields = list(model._meta.concrete_fields)
    return [f.column for f in fields], [tuple(_plain(getattr(o, f.attname)) for f in fields) for o in objs]


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
                _copy(cursor, OrderEvent._meta.db_table, EVENT_COLUMNS,
                      ((*row[:data], json.dumps(row[data])) for row in batch.events))
                _copy(cursor, OutboxMessage._meta.db_table, MESSAGE_COLUMNS, batch.messages)
        else:
            WorkOrder.objects.bulk_create(batch.orders, batch_size=_INSERT_BATCH)
            TopicLink.objects.bulk_create(
                [TopicLink(workorder_id=o, topic_id=t) for o, t in batch.topic_links], batch_size=_INSERT_BATCH)
            Assignment.objects.bulk_create(batch.assignments, batch_size=_INSERT_BATCH)
            event_fields = [f if f != "id" else "pk" for f in EVENT_COLUMNS]
            OrderEvent.objects.bulk_create(
                [OrderEvent(**dict(zip(event_fields, row, strict=True))) for row in batch.events],
                batch_size=_INSERT_BATCH)
            message_fields = [f if f != "id" else "pk" for f in MESSAGE_COLUMNS]
            OutboxMessage.objects.bulk_create(
                [OutboxMessage(**dict(zip(message_fields, row, strict=True))) for row in batch.messages],
                batch_size=_INSERT_BATCH)
        if batch.counters:
            OrderNumberCounter.objects.bulk_create(
                [OrderNumberCounter(day=day, last=last) for day, last in sorted(batch.counters.items())],
                update_conflicts=True, unique_fields=["day"], update_fields=["last"],
            )
        # Explicit ids leave PostgreSQL's sequences behind; move them past the new rows.
        statements = connection.ops.sequence_reset_sql(no_style(), list(_WRITTEN))
        if statements:
            with connection.cursor() as cursor:
                for sql in statements:
                    cursor.execute(sql)


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


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _no_files(attachments: Iterable[Any]) -> int:
    """The number of attachments for the event data: always 0, files are not bulk material."""
    if list(attachments):
        raise ValueError("BulkEngine does not store attachment files; use ActionEngine")
    return 0


class BulkEngine:
    """Builds the rows of each move in memory and writes them in batches of orders."""

    def __init__(
        self, batch_size: int = 5000, on_flush: Callable[[int], None] | None = None, threaded: bool | None = None,
    ) -> None:
        """`on_flush(n)` is told the number of orders handed to the writer so far. `threaded`
        (default: when on PostgreSQL outside a transaction) writes batches on a thread."""
        self.batch_size = batch_size
        self.on_flush = on_flush
        self.threaded = threaded
        self._writer: _Writer | None = None
        self.flushed_orders = 0
        self._started = False
        self._orders: dict[int, WorkOrder] = {}
        self._assignments: dict[int, list[Assignment]] = {}
        self._requested_days: dict[int, float] = {}
        # Merged children of orders still in memory: (number, phone), for the closing SMS.
        self._children: dict[int, list[tuple[str, str]]] = {}
        self._topic_links: list[tuple[int, int]] = []
        self._events: list[tuple[Any, ...]] = []
        self._messages: list[tuple[Any, ...]] = []
        self._counters: dict[date, int] = {}
        self._dirty_days: set[date] = set()
        self._upstream: set[tuple[str, str]] = set()
        self._next: dict[type[models.Model], int] = {}
        self._intake: dict[tuple[int, int], tuple[OrgUnit, OrgUnit]] = {}
        self._members: dict[tuple[int, str], list[int]] = {}
        # Liaison officers and duty rosters, asked of the database once per key.
        self._liaisons: dict[tuple[int, date], set[int]] = {}
        self._on_duty: dict[tuple[tuple[int, ...], date], set[int]] = {}
        self._emails: dict[int, str] | None = None
        self._moves: dict[str, Callable[..., None]] = {
            "answer": self._answer,
            "send_to_hub": self._send_to_hub,
            "transfer_out": self._transfer_out,
            "void": self._void,
            "supplement": self._supplement,
            "dispatch": self._dispatch,
            "redispatch": self._redispatch,
            "sign": self._sign,
            "sign_part": self._sign_part,
            "sub_dispatch": self._sub_dispatch,
            "request_return": self._request_return,
            "approve_return": self._approve_return,
            "refuse_return": self._refuse_return,
            "request_extension": self._request_extension,
            "approve_extension": self._approve_extension,
            "refuse_extension": self._refuse_extension,
            "request_suspension": self._request_suspension,
            "approve_suspension": self._approve_suspension,
            "refuse_suspension": self._refuse_suspension,
            "resume": self._resume,
            "give_part": self._give_part,
            "reply": self._reply,
            "accept_reply": self._accept_reply,
            "send_back_reply": self._send_back_reply,
            "record_callback": self._record_callback,
            "close_without_callback": self._close_without_callback,
            "merge": self._merge,
            "supervise": self._supervise,
        }

    # --- the Engine protocol ----------------------------------------------------------
    def create(self, at: datetime, **fields: Any) -> WorkOrder:
        if timezone.is_naive(at):
            raise ValueError("the clock needs a time-zone-aware moment")
        self._start()
        if len(self._orders) >= self.batch_size:
            self.flush()
        return self._create(at, **fields)

    def do(self, action: str, order: WorkOrder, at: datetime, actor: User | None, **params: Any) -> WorkOrder:
        if timezone.is_naive(at):
            raise ValueError("the clock needs a time-zone-aware moment")
        o = self._orders.get(order.pk)
        if o is None:
            raise RuntimeError(f"order {order.pk} is no longer in memory; BulkEngine moves orders of its batch only")
        expected_version = params.pop("expected_version", None)
        self._as_read_back(o)
        if expected_version is not None and o.version != expected_version:
            raise ConflictError(
                _("工单 %(number)s 刚被他人处理过（当前状态：%(state)s），请查看最新情况后再操作。")
                % {"number": o.number, "state": o.get_state_display()}
            )
        self._moves[action](o, at, actor, **params)
        return o

    def current(self, order: WorkOrder) -> WorkOrder:
        return self._orders.get(order.pk, order)

    def assisting_units(self, order: WorkOrder) -> list[OrgUnit]:
        return [a.unit for a in self._active(order) if a.role == AssignmentRole.ASSIST]

    # --- writing ----------------------------------------------------------------------
    def _start(self) -> None:
        if self._started:
            return
        self._started = True
        threaded = self.threaded
        if threaded is None:
            threaded = connection.vendor == "postgresql" and not connection.in_atomic_block
        self._writer = _Writer(threaded)
        for model in _WRITTEN:
            self._next[model] = (model._default_manager.aggregate(m=Max("pk"))["m"] or 0) + 1
        self._counters = dict(OrderNumberCounter.objects.values_list("day", "last"))
        members: dict[tuple[int, str], set[int]] = {}
        staff = Membership.objects.filter(user__is_active=True, user__is_service=False)
        for unit_id, role, user_id in staff.values_list("unit_id", "role", "user_id"):
            members.setdefault((unit_id, role), set()).add(user_id)
        self._members = {key: sorted(ids) for key, ids in members.items()}

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
            topic_links=self._topic_links,
            events=self._events,
            messages=self._messages,
            counters={day: self._counters[day] for day in self._dirty_days},
        )
        self._writer.write(batch)
        self.flushed_orders += count
        self._orders = {}
        self._assignments = {}
        self._requested_days = {}
        self._children = {}
        self._topic_links = []
        self._events = []
        self._messages = []
        self._dirty_days = set()
        if self.on_flush is not None:
            self.on_flush(self.flushed_orders)

    def close(self) -> None:
        """Write what is left and wait until every batch is in the database."""
        self.flush()
        if self._writer is not None:
            self._writer.close()
            self._writer = None
            self._started = False

    @staticmethod
    def analyze() -> None:
        """Fresh planner statistics after a large load (PostgreSQL), before autovacuum gets to it."""
        if connection.vendor != "postgresql":
            return
        with connection.cursor() as cursor:
            for model in (*_WRITTEN, TopicLink):
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")

    # --- what every move shares -------------------------------------------------------
    @staticmethod
    def _as_read_back(order: WorkOrder) -> None:
        """An action works on the order as loaded from the database: datetimes in UTC."""
        for name in _DATETIME_FIELDS:
            value = order.__dict__[name]
            if value is not None and value.tzinfo is not UTC:
                order.__dict__[name] = value.astimezone(UTC)
        if not isinstance(order.extension_days, Decimal):
            order.extension_days = Decimal(str(order.extension_days)).quantize(Decimal("0.1"))

    def _active(self, order: WorkOrder) -> list[Assignment]:
        return [a for a in self._assignments.get(order.pk, ()) if a.active]

    def _end_assignments(self, order: WorkOrder, at: datetime, reason: str) -> None:
        for a in self._active(order):
            a.active = False
            a.ended_at = at
            a.end_reason = reason

    def _check(self, order: WorkOrder, action: str, actor: User | None) -> tuple[Side, OrgUnit | None]:
        """check_move: the state allows the move and the actor has the right."""
        move = MOVES[action]
        if order.state not in move.sources:
            raise InvalidTransition(
                _("工单 %(number)s 当前状态为“%(state)s”，不能%(action)s。")
                % {"number": order.number, "state": order.get_state_display(), "action": move.label}
            )
        if Side.ASSISTING_UNIT in move.sides:
            # orders.permissions looks the assisting units up in the database; here they are in memory.
            assert move.sides == {Side.ASSISTING_UNIT}
            if actor is not None and actor.is_active:
                units = actor.units_with_role(*UNIT_ROLES)
                for assignment in self._active(order):
                    if assignment.role == AssignmentRole.ASSIST and _covering(units, assignment.unit) is not None:
                        return Side.ASSISTING_UNIT, assignment.unit
            raise PermissionDenied(_("您无权对工单 %(number)s 执行“%(action)s”。") % {
                "number": order.number, "action": move.label,
            })
        return authorize(actor, order, action)

    def _record(
        self,
        order: WorkOrder,
        action: str,
        actor: User | None,
        at: datetime,
        *,
        to_state: str | None = None,
        acting_unit: OrgUnit | None = None,
        note: str = "",
        data: dict[str, Any] | None = None,
    ) -> _Event:
        move = MOVES[action]
        source = order.state
        target = source if to_state is None else to_state
        if not move.allows(source, target):
            raise InvalidTransition(
                _("不能从“%(source)s”%(action)s到“%(target)s”。")
                % {"source": State(source).label, "action": move.label, "target": State(target).label}
            )
        if target == State.CLOSED and source != State.CLOSED:
            self._end_assignments(order, at, "closed")
        order.state = target
        return self._append(order, action, actor, at=at, source=source, acting_unit=acting_unit, note=note, data=data)

    def _append(
        self,
        order: WorkOrder,
        action: str,
        actor: User | None,
        *,
        at: datetime,
        source: str,
        acting_unit: OrgUnit | None,
        note: str,
        data: dict[str, Any] | None,
    ) -> _Event:
        order.version += 1
        order.event_count += 1
        order.updated_at = at
        event = _Event(self._id(OrderEvent), action, actor.pk if actor is not None else None, order.state, note,
                       data or {}, at)
        self._events.append((
            event.pk, order.pk, order.event_count, action, event.actor_id,
            acting_unit.pk if acting_unit is not None else None, at, source, order.state, note, event.data,
        ))
        self._queue(order, event)
        return event

    # --- the outbox (civicdesk.notifications.queue.queue_for_event) --------------------
    # --- the outbox: the same rules as live moves (civicdesk.notifications.queue.plan) ---
    def members(self, unit_ids: Iterable[int], roles: tuple[str, ...]) -> set[int]:
        found: set[int] = set()
        for unit_id in unit_ids:
            for role in roles:
                found.update(self._members.get((unit_id, role), ()))
        return found

    def assisting_unit_ids(self, order: WorkOrder) -> list[int]:
        return [a.unit_id for a in self._active(order) if a.role == AssignmentRole.ASSIST]

    def merged_callers(self, order: WorkOrder) -> list[tuple[str, str]]:
        return list(self._children.get(order.pk, ()))

    def liaisons(self, enterprise_id: int, day: date) -> set[int]:
        key = (enterprise_id, day)
        if key not in self._liaisons:
            self._liaisons[key] = DatabaseDirectory().liaisons(enterprise_id, day)
        return self._liaisons[key]

    def on_duty(self, unit_ids: Iterable[int], day: date) -> set[int]:
        key = (tuple(unit_ids), day)
        if key not in self._on_duty:
            self._on_duty[key] = DatabaseDirectory().on_duty(key[0], day)
        return self._on_duty[key]

    def emails(self, user_ids: Iterable[int]) -> dict[int, str]:
        if self._emails is None:  # staff addresses, read once (DatabaseDirectory.emails's rule)
            self._emails = dict(User.objects.filter(is_active=True).exclude(email="").values_list("pk", "email"))
        return {u: self._emails[u] for u in user_ids if u in self._emails}

    def _queue(self, order: WorkOrder, event: _Event) -> None:
        planned = plan(order, action=event.action, actor_id=event.actor_id, to_state=event.to_state,
                       note=event.note, data=event.data, directory=self)
        # Queued at the move's moment, as in queue_for_event.
        for message in planned:
            self._messages.append((self._id(OutboxMessage), order.pk, event.pk, str(message.medium), message.user_id,
                                   message.address, message.template, message.text, _PENDING, event.at, None))

    # --- intake (civicdesk.orders.actions.intake) -------------------------------------
    def _next_number(self, at: datetime) -> str:
        day = timezone.localdate(at)
        last = self._counters.get(day, 0) + 1
        self._counters[day] = last
        self._dirty_days.add(day)
        return OrderNumberCounter.format(day, last)

    def _create(
        self,
        at: datetime,
        *,
        actor: User,
        channel: str,
        request_type: str,
        title: str,
        content: str,
        urgency: str = Urgency.NORMAL,
        address: str = "",
        area: Any = None,
        category: Any = None,
        topics: Iterable[Topic] = (),
        citizen_name: str = "",
        citizen_phone: str = "",
        confidential: bool = False,
        wants_reply: bool = True,
        enterprise: Any = None,
        latitude: Decimal | None = None,
        longitude: Decimal | None = None,
        hub: OrgUnit | None = None,
        upstream_platform: str = "",
        upstream_id: str = "",
        attachments: Iterable[Any] = (),
    ) -> WorkOrder:
        files = _no_files(attachments)
        fields = validated_fields(
            channel=channel, request_type=request_type, urgency=urgency, title=title, content=content,
            address=address, citizen_name=citizen_name, citizen_phone=citizen_phone,
            upstream_platform=upstream_platform, upstream_id=upstream_id, latitude=latitude, longitude=longitude,
        )
        key = (actor.pk, hub.pk if hub else 0)
        if key not in self._intake:
            self._intake[key] = _intake_unit(actor, hub)
        acting_unit, order_hub = self._intake[key]
        topic_list = with_enterprise_topic(topics, enterprise is not None)
        if fields["upstream_id"]:
            upstream = (fields["upstream_platform"], fields["upstream_id"])
            if upstream in self._upstream or WorkOrder.objects.filter(
                upstream_platform=upstream[0], upstream_id=upstream[1]
            ).exists():
                message = _("上级平台工单 %(id)s 已受理过。") % {"id": fields["upstream_id"]}
                raise InvalidInput(message, fields={"upstream_id": message})
            self._upstream.add(upstream)
        order = WorkOrder(
            pk=self._id(WorkOrder),
            number=self._next_number(at),
            owner=actor,
            hub=order_hub,
            area=area,
            category=category,
            confidential=confidential,
            wants_reply=wants_reply,
            enterprise=enterprise,
            latitude=latitude,
            longitude=longitude,
            created_at=at,
            updated_at=at,
            **fields,
        )
        self._orders[order.pk] = order
        self._assignments[order.pk] = []
        for topic in topic_list:
            self._topic_links.append((order.pk, topic.pk))
        order.state = State.RECEIVED
        self._append(
            order, CREATE, actor, at=order.created_at, source="", acting_unit=acting_unit, note="",
            data={"channel": order.channel, "category": category.pk if category else None,
                  "topics": [t.code for t in topic_list], "attachments": files},
        )
        return order

    def _answer(self, o: WorkOrder, at: datetime, actor: User, *, answer: str, article_ids: Iterable[int] = ()) -> None:
        text = require_text(answer, "answer", _("请填写答复内容。"), max_length=CONTENT_MAX)
        _side, unit = self._check(o, "answer", actor)
        o.answer_text = text
        o.closed_at = at
        self._record(o, "answer", actor, at, to_state=State.ANSWERED, acting_unit=unit,
                     data={"articles": [int(a) for a in article_ids]})

    def _send_to_hub(self, o: WorkOrder, at: datetime, actor: User, *, note: str = "") -> None:
        note = optional_text(note, "note")
        _side, unit = self._check(o, "send_to_hub", actor)
        self._record(o, "send_to_hub", actor, at, to_state=State.PENDING_DISPATCH, acting_unit=unit, note=note)

    def _transfer_out(self, o: WorkOrder, at: datetime, actor: User, *, route: str, told_caller: str) -> None:
        if route not in TransferRoute.values:
            message = _("请选择转出途径。")
            raise InvalidInput(message, fields={"route": message})
        told = require_text(told_caller, "told_caller", _("请记录告知来电人的内容。"))
        _side, unit = self._check(o, "transfer_out", actor)
        o.transfer_route = route
        o.closed_at = at
        self._record(o, "transfer_out", actor, at, to_state=State.TRANSFERRED, acting_unit=unit, note=told,
                     data={"route": route})

    def _void(self, o: WorkOrder, at: datetime, actor: User, *, reason: str) -> None:
        text = require_text(reason, "reason", _("请填写作废原因。"), max_length=255)
        _side, unit = self._check(o, "void", actor)
        o.void_reason = text
        o.closed_at = at
        self._record(o, "void", actor, at, to_state=State.VOID, acting_unit=unit, note=text)

    def _supplement(
        self, o: WorkOrder, at: datetime, actor: User | None, *, text: str, attachments: Iterable[Any] = (),
    ) -> None:
        body = require_text(text, "text", _("请填写补充内容。"), max_length=CONTENT_MAX)
        files = _no_files(attachments)
        _side, unit = self._check(o, "supplement", actor)
        self._record(o, "supplement", actor, at, acting_unit=unit, note=body, data={"attachments": files})

    # --- dispatching (civicdesk.orders.actions.dispatching) ---------------------------
    def _send_to_units(
        self, order: WorkOrder, lead: OrgUnit, assisting: list[OrgUnit], at: datetime, *,
        end_reason: str = "redispatched", part_days: float | None = None,
    ) -> dict[str, object]:
        rows = self._assignments[order.pk]
        previous_leads = [
            a.unit_id for a in sorted(rows, key=lambda a: (a.dispatched_at, a.pk))
            if a.role == AssignmentRole.LEAD and a.parent_id is None
        ]
        self._end_assignments(order, at, end_reason)
        if order.first_dispatched_at is not None:
            order.redispatch_count += 1
        else:
            order.first_dispatched_at = at
        bounced = bool(previous_leads) and lead.pk in previous_leads and previous_leads[-1] != lead.pk
        if bounced:
            order.bounce_count += 1
        order.lead_unit = lead
        order.dispatched_at = at
        order.signed_at = None
        order.resume_state = ""
        deadlines.start_clock(order, at)
        part_due_at = joint.part_due(order, at, part_days) if assisting else None
        for unit, role in [(lead, AssignmentRole.LEAD), *((u, AssignmentRole.ASSIST) for u in assisting)]:
            rows.append(Assignment(pk=self._id(Assignment), order_id=order.pk, unit=unit, role=role,
                                   dispatched_at=at, sign_due_at=order.sign_due_at,
                                   part_due_at=part_due_at if role == AssignmentRole.ASSIST else None))
        return {"lead_unit": lead.pk, "assisting_units": [u.pk for u in assisting], "bounce": bounced,
                "sign_due_at": _iso(order.sign_due_at), "handle_due_at": _iso(order.handle_due_at)}

    def _dispatch(
        self, o: WorkOrder, at: datetime, actor: User, *, lead_unit: OrgUnit,
        assisting_units: Iterable[OrgUnit] = (), note: str = "", part_days: float | str | None = None,
    ) -> None:
        note = optional_text(note, "note")
        days = joint.clean_part_days(part_days)
        assisting = list(assisting_units)
        side, unit = self._check(o, "dispatch", actor)
        if side is Side.INTAKE and not actor.units_with_role(Role.DISPATCHER) and not operator_may_dispatch():
            raise PermissionDenied(_("本中心不允许话务员直接派单，请提交派单员。"))
        _validate_units(o, lead_unit, assisting)
        data = self._send_to_units(o, lead_unit, assisting, at, part_days=days)
        self._record(o, "dispatch", actor, at, to_state=State.DISPATCHED, acting_unit=unit, note=note, data=data)

    def _redispatch(
        self, o: WorkOrder, at: datetime, actor: User, *, lead_unit: OrgUnit,
        assisting_units: Iterable[OrgUnit] = (), reason: str, part_days: float | str | None = None,
    ) -> None:
        text = require_text(reason, "reason", _("请填写改派原因。"))
        days = joint.clean_part_days(part_days)
        assisting = list(assisting_units)
        _side, unit = self._check(o, "redispatch", actor)
        if o.lead_unit_id == lead_unit.pk:
            message = _("工单已在 %(unit)s 办理。") % {"unit": lead_unit.name}
            raise InvalidInput(message, fields={"lead_unit": message})
        _validate_units(o, lead_unit, assisting)
        data = {"redispatched_from": o.lead_unit_id, **self._send_to_units(o, lead_unit, assisting, at, part_days=days)}
        self._record(o, "redispatch", actor, at, to_state=State.DISPATCHED, acting_unit=unit, note=text, data=data)

    def _sign(self, o: WorkOrder, at: datetime, actor: User) -> None:
        _side, unit = self._check(o, "sign", actor)
        o.signed_at = at
        for a in self._active(o):
            if a.unit_id == o.lead_unit_id:
                a.signed_at = at
        on_time = o.sign_due_at is None or at <= o.sign_due_at
        self._record(o, "sign", actor, at, to_state=State.SIGNED, acting_unit=unit, data={"on_time": on_time})

    def _assist_assignment(self, o: WorkOrder, unit: OrgUnit | None) -> Assignment:
        for a in self._active(o):
            if unit is not None and a.unit_id == unit.pk and a.role == AssignmentRole.ASSIST:
                return a
        raise Assignment.DoesNotExist("Assignment matching query does not exist.")

    def _sign_part(self, o: WorkOrder, at: datetime, actor: User) -> None:
        _side, unit = self._check(o, "sign_part", actor)
        assignment = self._assist_assignment(o, unit)
        if assignment.signed_at is not None:
            raise InvalidInput(_("%(unit)s 已签收。") % {"unit": unit.name if unit else ""})
        assignment.signed_at = at
        self._record(o, "sign_part", actor, at, acting_unit=unit, data={"unit": assignment.unit_id})

    def _sub_dispatch(self, o: WorkOrder, at: datetime, actor: User, *, sub_unit: OrgUnit, note: str = "") -> None:
        note = optional_text(note, "note")
        _side, unit = self._check(o, "sub_dispatch", actor)
        lead = o.lead_unit
        assert lead is not None
        if sub_unit.pk == lead.pk or not sub_unit.path.startswith(lead.path) or not sub_unit.active:
            message = _("只能下派给 %(unit)s 的下级单位。") % {"unit": lead.name}
            raise InvalidInput(message, fields={"sub_unit": message})
        if any(a.unit_id == sub_unit.pk for a in self._active(o)):
            # Already an assisting unit of this order: one unit cannot hold two parts of it.
            message = _("%(unit)s 已是本工单的协办单位，不能再下派给它。") % {"unit": sub_unit.name}
            raise InvalidInput(message, fields={"sub_unit": message})
        parents = [a for a in self._active(o) if a.unit_id == lead.pk and a.role == AssignmentRole.LEAD]
        if len(parents) != 1:
            raise Assignment.DoesNotExist("Assignment matching query does not exist.")
        parent = parents[0]
        parent.active = False
        parent.ended_at = at
        parent.end_reason = "sub_dispatched"
        self._assignments[o.pk].append(Assignment(
            pk=self._id(Assignment), order_id=o.pk, unit=sub_unit, role=AssignmentRole.LEAD, dispatched_at=at,
            parent=parent, sign_due_at=o.sign_due_at))
        o.lead_unit = sub_unit
        o.signed_at = None
        self._record(o, "sub_dispatch", actor, at, to_state=State.DISPATCHED, acting_unit=unit, note=note,
                     data={"from_unit": lead.pk, "to_unit": sub_unit.pk})

    def _request_return(
        self, o: WorkOrder, at: datetime, actor: User, *, reason: str, legal_basis: str = "",
    ) -> None:
        text = require_text(reason, "reason", _("请填写退单理由。"))
        basis = optional_text(legal_basis, "legal_basis", max_length=500)
        _side, unit = self._check(o, "request_return", actor)
        if o.return_due_at is not None and at > o.return_due_at:
            due = timezone.localtime(o.return_due_at).strftime("%Y-%m-%d %H:%M")
            message = _("已超过退单时限（%(due)s），请按时办理或申请延期。") % {"due": due}
            raise InvalidInput(message, fields={"reason": message})
        o.resume_state = o.state
        self._record(o, "request_return", actor, at, to_state=State.RETURN_REQUESTED, acting_unit=unit, note=text,
                     data={"legal_basis": basis, "unit": o.lead_unit_id})

    def _approve_return(
        self, o: WorkOrder, at: datetime, actor: User, *, note: str = "", new_lead_unit: OrgUnit | None = None,
        assisting_units: Iterable[OrgUnit] = (),
    ) -> None:
        note = optional_text(note, "note")
        assisting = list(assisting_units)
        _side, unit = self._check(o, "approve_return", actor)
        returned_from = o.lead_unit_id
        o.return_count += 1
        data: dict[str, object] = {"returned_from": returned_from}
        if new_lead_unit is not None:
            if new_lead_unit.pk == returned_from:
                message = _("不能改派回退单的单位。")
                raise InvalidInput(message, fields={"lead_unit": message})
            _validate_units(o, new_lead_unit, assisting)
            data.update(self._send_to_units(o, new_lead_unit, assisting, at, end_reason="returned"))
            target = State.DISPATCHED
        else:
            self._end_assignments(o, at, "returned")
            o.lead_unit = None
            o.resume_state = ""
            target = State.PENDING_DISPATCH
        self._record(o, "approve_return", actor, at, to_state=target, acting_unit=unit, note=note, data=data)

    def _refuse_return(self, o: WorkOrder, at: datetime, actor: User, *, reason: str) -> None:
        text = require_text(reason, "reason", _("请填写驳回理由。"))
        _side, unit = self._check(o, "refuse_return", actor)
        target = o.resume_state or State.DISPATCHED
        o.resume_state = ""
        self._record(o, "refuse_return", actor, at, to_state=target, acting_unit=unit, note=text)

    # --- handling (civicdesk.orders.actions.handling) ---------------------------------
    def _request_extension(
        self, o: WorkOrder, at: datetime, actor: User, *, days: float | int | str, reason: str,
    ) -> None:
        wanted = _days(days, "days")
        text = require_text(reason, "reason", _("请填写延期理由。"))
        _side, unit = self._check(o, "request_extension", actor)
        if o.handle_due_at is not None and at >= o.handle_due_at:
            message = _("工单已超过办理时限，不能再申请延期。")
            raise InvalidInput(message, fields={"days": message})
        room = deadlines.extension_room(o)
        if wanted > room:
            message = _("最多还能延期 %(room)g 个工作日。") % {"room": room}
            raise InvalidInput(message, fields={"days": message})
        o.resume_state = o.state
        self._requested_days[o.pk] = wanted
        self._record(o, "request_extension", actor, at, to_state=State.EXTENSION_REQUESTED, acting_unit=unit,
                     note=text, data={"days": wanted})

    def _approve_extension(
        self, o: WorkOrder, at: datetime, actor: User, *, days: float | int | str | None = None, note: str = "",
    ) -> None:
        note = optional_text(note, "note")
        _side, unit = self._check(o, "approve_extension", actor)
        requested = float(self._requested_days.get(o.pk, 0.0))
        granted = requested if days is None else _days(days, "days")
        if granted > requested:
            message = _("批准天数不能超过申请的 %(n)g 个工作日。") % {"n": requested}
            raise InvalidInput(message, fields={"days": message})
        granted = min(granted, deadlines.extension_room(o))
        old_due = o.handle_due_at
        deadlines.extend(o, granted)
        target = o.resume_state or State.SIGNED
        o.resume_state = ""
        self._record(o, "approve_extension", actor, at, to_state=target, acting_unit=unit, note=note,
                     data={"days": granted, "old_due_at": _iso(old_due), "handle_due_at": _iso(o.handle_due_at)})

    def _refuse_extension(self, o: WorkOrder, at: datetime, actor: User, *, reason: str) -> None:
        text = require_text(reason, "reason", _("请填写驳回理由。"))
        _side, unit = self._check(o, "refuse_extension", actor)
        target = o.resume_state or State.SIGNED
        o.resume_state = ""
        self._record(o, "refuse_extension", actor, at, to_state=target, acting_unit=unit, note=text)

    def _request_suspension(self, o: WorkOrder, at: datetime, actor: User, *, reason: str) -> None:
        text = require_text(reason, "reason", _("请填写挂起理由。"))
        _side, unit = self._check(o, "request_suspension", actor)
        o.resume_state = o.state
        self._record(o, "request_suspension", actor, at, to_state=State.SUSPENSION_REQUESTED, acting_unit=unit,
                     note=text)

    def _approve_suspension(self, o: WorkOrder, at: datetime, actor: User, *, note: str = "") -> None:
        note = optional_text(note, "note")
        _side, unit = self._check(o, "approve_suspension", actor)
        o.suspended_at = at
        self._record(o, "approve_suspension", actor, at, to_state=State.SUSPENDED, acting_unit=unit, note=note)

    def _refuse_suspension(self, o: WorkOrder, at: datetime, actor: User, *, reason: str) -> None:
        text = require_text(reason, "reason", _("请填写驳回理由。"))
        _side, unit = self._check(o, "refuse_suspension", actor)
        target = o.resume_state or State.SIGNED
        o.resume_state = ""
        self._record(o, "refuse_suspension", actor, at, to_state=target, acting_unit=unit, note=text)

    def _resume(self, o: WorkOrder, at: datetime, actor: User, *, note: str = "") -> None:
        note = optional_text(note, "note")
        _side, unit = self._check(o, "resume", actor)
        assert o.suspended_at is not None
        paused = deadlines.resume_after_pause(o, o.suspended_at, at)
        o.suspended_at = None
        target = o.resume_state or State.SIGNED
        o.resume_state = ""
        self._record(o, "resume", actor, at, to_state=target, acting_unit=unit, note=note,
                     data={"paused_working_minutes": paused, "handle_due_at": _iso(o.handle_due_at)})

    def _give_part(self, o: WorkOrder, at: datetime, actor: User, *, text: str) -> None:
        body = require_text(text, "text", _("请填写协办意见。"), max_length=REPLY_MAX)
        _side, unit = self._check(o, "give_part", actor)
        assignment = self._assist_assignment(o, unit)
        if assignment.signed_at is None:
            assignment.signed_at = at
        assignment.part_text = body
        assignment.part_given_at = at
        missing = sum(
            1 for a in self._active(o) if a.role == AssignmentRole.ASSIST and a.part_given_at is None
        )
        self._record(o, "give_part", actor, at, acting_unit=unit, note=body,
                     data={"unit": assignment.unit_id, "all_parts_in": missing == 0})

    def _reply(
        self, o: WorkOrder, at: datetime, actor: User, *, result: str, text: str, attachments: Iterable[Any] = (),
    ) -> None:
        files = _no_files(attachments)
        if result not in ReplyResult.values:
            message = _("请选择办理结果。")
            raise InvalidInput(message, fields={"result": message})
        body = require_text(text, "text", _("请填写答复内容。"), max_length=REPLY_MAX)
        _side, unit = self._check(o, "reply", actor)
        missing = [a for a in self._active(o) if a.role == AssignmentRole.ASSIST and a.part_given_at is None]
        if missing:
            names = "、".join(a.unit.name for a in missing)
            raise InvalidInput(_("协办单位尚未提交意见：%(units)s。") % {"units": names})
        o.reply_result = result
        o.reply_text = body
        o.replied_at = at
        o.resume_state = o.state
        on_time = o.handle_due_at is None or at <= o.handle_due_at
        self._record(o, "reply", actor, at, to_state=State.REPLIED, acting_unit=unit, note=body,
                     data={"result": result, "on_time": on_time, "attachments": files})

    # --- closing (civicdesk.orders.actions.closing) -----------------------------------
    def _accept_reply(self, o: WorkOrder, at: datetime, actor: User, *, note: str = "") -> None:
        note = optional_text(note, "note")
        _side, unit = self._check(o, "accept_reply", actor)
        o.accepted_at = at
        o.resume_state = ""
        deadlines.start_callback_clock(o, at)
        self._record(o, "accept_reply", actor, at, to_state=State.AWAITING_CALLBACK, acting_unit=unit, note=note,
                     data={"callback_due_at": _iso(o.callback_due_at)})

    def _send_back_reply(self, o: WorkOrder, at: datetime, actor: User, *, reason: str) -> None:
        text = require_text(reason, "reason", _("请填写退回理由。"))
        _side, unit = self._check(o, "send_back_reply", actor)
        target = o.resume_state or State.SIGNED
        o.resume_state = ""
        o.replied_at = None
        self._record(o, "send_back_reply", actor, at, to_state=target, acting_unit=unit, note=text)

    def _record_callback(
        self, o: WorkOrder, at: datetime, actor: User | None, *, solved: str, satisfaction: str, comment: str = "",
        rework: bool = False, via: str = "phone",
    ) -> None:
        if solved not in ReplyResult.values:
            message = _("请选择解决情况。")
            raise InvalidInput(message, fields={"solved": message})
        if satisfaction not in Satisfaction.values:
            message = _("请选择满意度。")
            raise InvalidInput(message, fields={"satisfaction": message})
        if via not in CALLBACK_VIA:
            raise InvalidInput(_("回访方式无效。"), fields={"via": _("回访方式无效。")})
        comment = optional_text(comment, "comment")
        if rework and satisfaction not in (Satisfaction.UNSATISFIED,) and solved == ReplyResult.SOLVED:
            message = _("只有群众不满意或问题未解决时才能重办。")
            raise InvalidInput(message, fields={"rework": message})
        _side, unit = self._check(o, "record_callback", actor)
        o.callback_solved = solved
        o.callback_satisfaction = satisfaction
        data: dict[str, Any] = {"solved": solved, "satisfaction": satisfaction, "via": via, "rework": rework}
        if rework:
            o.rework_count += 1
            o.replied_at = None
            o.accepted_at = None
            o.callback_due_at = None
            deadlines.restart_handling(o, at)
            data["handle_due_at"] = _iso(o.handle_due_at)
            target = State.REWORK
        else:
            o.closed_at = at
            target = State.CLOSED
        self._record(o, "record_callback", actor, at, to_state=target, acting_unit=unit, note=comment, data=data)

    def _close_without_callback(self, o: WorkOrder, at: datetime, actor: User, *, reason: str) -> None:
        text = require_text(reason, "reason", _("请填写免回访原因。"), max_length=255)
        _side, unit = self._check(o, "close_without_callback", actor)
        o.no_callback_reason = text
        o.closed_at = at
        self._record(o, "close_without_callback", actor, at, to_state=State.CLOSED, acting_unit=unit, note=text)

    def _merge(self, o: WorkOrder, at: datetime, actor: User, *, into: WorkOrder | int, note: str = "") -> None:
        note = optional_text(note, "note")
        parent_id = into.pk if isinstance(into, WorkOrder) else into
        if o.pk == parent_id:
            message = _("不能把工单并入它自己。")
            raise InvalidInput(message, fields={"into": message})
        parent = self._orders.get(parent_id)
        if parent is None:
            # The real action reads the parent back. An order from an earlier batch no longer
            # changes, so the instance this engine handed out (via current()) is as good.
            parent = into if isinstance(into, WorkOrder) else WorkOrder.objects.get(pk=parent_id)
        _side, unit = self._check(o, "merge", actor)
        if parent.state in (State.MERGED, State.VOID, State.TRANSFERRED) or parent.parent_id is not None:
            message = _("工单 %(number)s 不能作为并单主单（状态：%(state)s）。") % {
                "number": parent.number, "state": parent.get_state_display()}
            raise InvalidInput(message, fields={"into": message})
        if parent.hub_id != o.hub_id:
            message = _("只能并入同一中心的工单。")
            raise InvalidInput(message, fields={"into": message})
        # A new order has no merged children of its own, so none follow it onto the parent.
        assert not self._children.get(o.pk), "BulkEngine merges only orders without merged children"
        self._end_assignments(o, at, "merged")
        o.parent = parent
        o.closed_at = at
        if o.citizen_phone and o.wants_reply and parent_id in self._orders:
            self._children.setdefault(parent_id, []).append((o.number, o.citizen_phone))
        self._record(o, "merge", actor, at, to_state=State.MERGED, acting_unit=unit, note=note,
                     data={"parent": parent.pk, "parent_number": parent.number})

    # --- supervision (civicdesk.orders.actions.supervision) ---------------------------
    def _supervise(self, o: WorkOrder, at: datetime, actor: User, *, note: str) -> None:
        text = require_text(note, "note", _("请填写督办意见。"))
        _side, unit = self._check(o, "supervise", actor)
        o.supervision_level = min(MAX_LEVEL, o.supervision_level + 1)
        self._record(o, "supervise", actor, at, acting_unit=unit, note=text, data={"level": o.supervision_level})
