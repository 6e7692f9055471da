"""Where the moves read and write an order's rows: the store of the move kernel.

Each move (civicdesk.orders.actions) is written once: its checks, its change of the order,
its event. What it reads and writes besides the order itself goes through a `Store`, so the
same move runs live — `DatabaseStore` (civicdesk.orders.actions.base): the order's row
locked in a transaction, every row written with the ORM at once — and in the demo's bulk
generator (civicdesk.demo.bulk): the orders of a batch held in memory and written later
with COPY. A store decides how rows are kept, never what a move does.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from contextlib import AbstractContextManager
from datetime import datetime
from typing import Any, Protocol, TypeVar

from django.core.files.uploadedfile import UploadedFile
from django.db import models

from civicdesk.catalogue.models import Topic
from civicdesk.orders.models import Assignment, WorkOrder
from civicdesk.orders.repeats import Call
from civicdesk.org.models import OrgUnit, User

# An order as the callers of a move know it: the instance, or its id.
OrderRef = WorkOrder | int
RowT = TypeVar("RowT", bound=models.Model)
T = TypeVar("T")


class RecordedEvent(Protocol):
    """What a move gets back from appending its event (an OrderEvent, live)."""

    @property
    def pk(self) -> Any: ...

    @property
    def seq(self) -> int: ...

    @property
    def action(self) -> str: ...

    @property
    def actor_id(self) -> int | None: ...

    @property
    def at(self) -> datetime: ...

    @property
    def to_state(self) -> str: ...

    @property
    def note(self) -> str: ...

    @property
    def data(self) -> dict[str, Any]: ...


class History(Protocol):
    """What a check of whether a move applies reads of an order's history: a Store, or the
    history a page has read already (LoadedHistory)."""

    def active_assignments(self, order: WorkOrder) -> list[Assignment]: ...

    def last_event(self, order: WorkOrder, actions: tuple[str, ...]) -> tuple[str, dict[str, Any]] | None: ...

    def events_of(self, order: WorkOrder, actions: tuple[str, ...]) -> list[tuple[str, dict[str, Any]]]: ...


class LoadedHistory:
    """An order's events (by seq) and assignments as a page has read them, answering as the
    Store would: the order page decides which moves apply without asking again per move."""

    def __init__(self, events: Sequence[RecordedEvent], assignments: Sequence[Assignment]) -> None:
        self.events = list(events)
        self.assignments = list(assignments)

    def active_assignments(self, order: WorkOrder) -> list[Assignment]:
        return sorted((a for a in self.assignments if a.active), key=lambda a: a.pk)

    def last_event(self, order: WorkOrder, actions: tuple[str, ...]) -> tuple[str, dict[str, Any]] | None:
        return next(((e.action, e.data) for e in reversed(self.events) if e.action in actions), None)

    def events_of(self, order: WorkOrder, actions: tuple[str, ...]) -> list[tuple[str, dict[str, Any]]]:
        return [(e.action, e.data) for e in self.events if e.action in actions]


class Store(Protocol):
    # --- the order ------------------------------------------------------------------
    def locked(self, order: OrderRef, expected_version: int | None) -> AbstractContextManager[WorkOrder]:
        """The order, held for one move until the block ends; ConflictError if it is no
        longer at `expected_version`. Everything the block writes lands together or not at all."""
        ...

    def locked_pair(
        self, order: OrderRef, other: OrderRef, expected_version: int | None
    ) -> AbstractContextManager[tuple[WorkOrder, WorkOrder]]:
        """Both orders held (a merge changes one and names the other); `other` is only read."""
        ...

    def creating(self) -> AbstractContextManager[None]:
        """The block in which a new order and its first event are written together."""
        ...

    def intake_unit(self, actor: User, hub: OrgUnit | None) -> tuple[OrgUnit, OrgUnit]:
        """permissions.intake_unit (a store may remember the answer)."""
        ...

    def next_number(self, at: datetime) -> str:
        """The next order number of the local day of `at`."""
        ...

    def next_in_sequence(self, key: str) -> int:
        """The next value of the named sequence (SequenceCounter), e.g. the year's notices."""
        ...

    def upstream_taken(self, platform: str, upstream_id: str) -> bool:
        """Whether an order already came from this upstream platform's order."""
        ...

    def calls_around(self, order: WorkOrder) -> list[Call]:
        """repeats.calls_around of the new order (what decides whether it is a repeat call)."""
        ...

    def mark_repeat_calls(self, order_ids: list[int]) -> None:
        """These orders are repeat calls (an earlier call on their matter was taken in late)."""
        ...

    def insert_order(self, order: WorkOrder, topics: list[Topic]) -> bool:
        """Keep the new order and its topics; False if its upstream order arrived meanwhile."""
        ...

    def topics(self, order: WorkOrder) -> list[Topic]: ...

    def add_topics(self, order: WorkOrder, topics: Iterable[Topic]) -> None: ...

    def adopt_children(self, order: WorkOrder, parent: WorkOrder) -> None:
        """`order` is merged into `parent`: the orders merged into `order` follow it there."""
        ...

    def merged_children(self, order: WorkOrder) -> list[WorkOrder]:
        """The orders merged into `order`, oldest first."""
        ...

    # --- the units that hold it ----------------------------------------------------
    def active_assignments(self, order: WorkOrder) -> list[Assignment]:
        """The order's active assignments, oldest first."""
        ...

    def assisting_units(self, order: WorkOrder) -> list[OrgUnit]:
        """The units of the active assisting assignments, oldest first."""
        ...

    def lead_history(self, order: WorkOrder) -> list[int]:
        """The units the hub sent the order to as lead (not the sub-units), in that order."""
        ...

    def add_assignment(self, assignment: Assignment) -> None: ...

    def save_assignment(self, assignment: Assignment, fields: list[str]) -> None: ...

    def end_assignments(self, order: WorkOrder, at: datetime, reason: str) -> None:
        """Every active assignment of the order ends at `at` for `reason`."""
        ...

    # --- its history ---------------------------------------------------------------
    def last_event(self, order: WorkOrder, actions: tuple[str, ...]) -> tuple[str, dict[str, Any]] | None:
        """(action, data) of the order's latest event among `actions`."""
        ...

    def events_of(self, order: WorkOrder, actions: tuple[str, ...]) -> list[tuple[str, dict[str, Any]]]:
        """(action, data) of each of the order's events among `actions`, oldest first."""
        ...

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
    ) -> RecordedEvent:
        """Keep the (changed) order and its new event, and what that event sets off in the
        same transaction (the outbox)."""
        ...

    def attach(self, order: WorkOrder, event: RecordedEvent, files: list[UploadedFile], actor: User | None) -> None:
        """Keep the validated attachment files of the event."""
        ...

    # --- for the reactions to a move (civicdesk.orders.reactions) --------------------
    def add_rows(self, rows: Sequence[models.Model]) -> None:
        """New rows a reaction writes with the move (the outbox, a rating link). They may
        point at the order and the event by id; they get their ids here."""
        ...

    def rows_added(self, model: type[RowT], event: RecordedEvent) -> list[RowT]:
        """The rows of `model` the reactions so far added for `event`, the move's own."""
        ...

    def on_commit(self, callback: Callable[[], None]) -> None:
        """Run `callback` once the move is committed (never for a move that rolled back)."""
        ...

    def queue_reactions(self, order: WorkOrder, event: RecordedEvent, names: list[str]) -> None:
        """Have the worker run these reactions (civicdesk.orders.reactions, IN_WORKER) to
        `event` once the move is committed, and again if they fail (never for a move that
        rolled back)."""
        ...

    def memo(self, key: tuple[Any, ...], compute: Callable[[], T]) -> T:
        """`compute()`, or the answer it gave for `key` before, where the store knows that
        nothing else changes the database meanwhile (who belongs to a unit, who is on duty)."""
        ...
