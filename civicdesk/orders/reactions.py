""" "A move was recorded": the one announcement the core makes, and who reacts to it.

The core (civicdesk.orders) knows nothing of the apps built on it. Each of them that must do
something when an order moves — queue the notifications, issue the citizen's rating link,
auto-dispatch, ... — subscribes here from its own AppConfig.ready(), and the core's
record() publishes every event it appends.

A reaction runs at one of three moments:

- IN_TRANSACTION: inside the move's transaction, right after the event was written. What it
  writes commits or rolls back with the move (the outbox rows: a move is never recorded
  without its notifications, nor the other way round). An exception here undoes the move.
- AFTER_COMMIT: once the move's transaction has committed (the store's on_commit), for work
  that must only start for a move that really happened (tasks, auto-dispatch). Never runs
  for a move that rolled back.
- IN_WORKER: in the background worker, soon after the move committed, for work the person
  making the move need not wait for (grouping a new order into its hotspot). The move's
  transaction writes one task for all of them (civicdesk.orders.tasks, django-tasks'
  database backend), so it commits with the move or not at all, and a reaction that fails
  is tried again later (with a growing pause) instead of being lost with the request. It
  reads the order as it is when it runs, which may be after later moves.

In-transaction reactions run in the order they were subscribed, except that a reaction
runs after those it names in `after` (the portal's rating link needs the outbox rows).

Reactions read and write the move's rows through the store it was made in. While the demo's
history loads (civicdesk.demo.bulk), the in-transaction reactions run against its in-memory
store and leave the same rows as live moves; its after-commit and worker reactions never run: they set
going what a move starts at the moment it is made (deliveries, auto-dispatch), and for a
history that moment is past: what followed is part of the history itself.

A store that records history from another system after the fact (civicdesk.exchange's
import) sets `sets_off_reactions = False`: none of its moves sets anything off — no message
about a 2015 order reaches anyone's inbox today.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from contextvars import ContextVar
from dataclasses import dataclass
from enum import Enum
from functools import partial
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # only for the annotations: the models module imports nothing from here
    from civicdesk.orders.models import WorkOrder
    from civicdesk.orders.store import RecordedEvent, Store

# react(order, event, store): what a reaction reads of the move's rows and what it writes
# goes through `store` (civicdesk.orders.store), so a move made in the demo's bulk generator
# gets the same rows as a live one.
Reaction = Callable[["WorkOrder", "RecordedEvent", "Store"], None]


class When(Enum):
    IN_TRANSACTION = "in_transaction"
    AFTER_COMMIT = "after_commit"
    IN_WORKER = "in_worker"


@dataclass(frozen=True)
class Subscriber:
    name: str
    react: Reaction
    when: When
    # Only these actions (None: every action), so a reaction that cares for one move
    # costs nothing on the others.
    actions: frozenset[str] | None
    after: tuple[str, ...]


_subscribers: dict[str, Subscriber] = {}
_ordered: list[Subscriber] | None = None
# While a move is announced (move_recorded): its event's id and the worker reactions queued for
# it so far, which its in-transaction reactions may add to (also_in_worker).
_announcing: ContextVar[tuple[int | None, list[str]] | None] = ContextVar("announcing", default=None)


def subscribe(
    name: str,
    react: Reaction,
    *,
    when: When,
    actions: Collection[str] | None = None,
    after: Collection[str] = (),
) -> None:
    """Call `react(order, event, store)` for every recorded move (of `actions`, if given).

    `name` identifies the subscription ("<app>.<what>"): subscribing the same name again
    replaces it, so AppConfig.ready() may run twice (as it does in some test runners).
    """
    global _ordered
    _subscribers[name] = Subscriber(
        name, react, when, frozenset(actions) if actions is not None else None, tuple(after)
    )
    _ordered = None


def unsubscribe(name: str) -> None:
    global _ordered
    _subscribers.pop(name, None)
    _ordered = None


def subscribers() -> list[Subscriber]:
    """Every subscriber, in the order they run."""
    global _ordered
    if _ordered is None:
        _ordered = _in_order(list(_subscribers.values()))
    return list(_ordered)


def _in_order(pending: list[Subscriber]) -> list[Subscriber]:
    # Subscription order, moved only as far as `after` needs; a name not subscribed (its
    # app is not installed) is no constraint.
    known = {s.name for s in pending}
    done: list[Subscriber] = []
    placed: set[str] = set()
    while pending:
        for index, candidate in enumerate(pending):
            if all(n in placed or n not in known for n in candidate.after):
                done.append(pending.pop(index))
                placed.add(candidate.name)
                break
        else:
            names = ", ".join(s.name for s in pending)
            raise RuntimeError(f"reactions wait for each other in a circle: {names}")
    return done


def subscribed(name: str) -> Subscriber | None:
    """The reaction subscribed as `name`, if its app is installed (a queued reaction is run
    by its name in the worker)."""
    return _subscribers.get(name)


def also_in_worker(name: str, event_id: int | None) -> bool:
    """Have the worker run the reaction `name` (subscribed When.IN_WORKER, usually for no
    action of its own: `actions=()`) to the move being announced, in the move's one task with
    its other worker reactions. Called by an in-transaction reaction that found work for the
    worker only now (the outbox wrote an SMS to send): one task per move, not one per app.

    False when no move with this event is being announced (a sweep, a reminder): the caller
    then queues its work its own way."""
    announcing = _announcing.get()
    if announcing is None or event_id is None or announcing[0] != event_id:
        return False
    if name not in announcing[1]:
        announcing[1].append(name)
    return True


def move_recorded(order: WorkOrder, event: RecordedEvent, store: Store) -> None:
    """Announce the event just appended to `order` (called by the core's record(), inside
    the move's transaction, with the store the move was made in)."""
    if not getattr(store, "sets_off_reactions", True):
        return
    queued: list[str] = []
    announcing = _announcing.set((event.pk, queued))
    try:
        for subscriber in subscribers():
            if subscriber.actions is not None and event.action not in subscriber.actions:
                continue
            if subscriber.when is When.IN_TRANSACTION:
                subscriber.react(order, event, store)
            elif subscriber.when is When.IN_WORKER:
                queued.append(subscriber.name)
            else:
                store.on_commit(partial(subscriber.react, order, event, store))
    finally:
        _announcing.reset(announcing)
    if queued:
        store.queue_reactions(order, event, queued)
