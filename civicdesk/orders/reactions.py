""""A move was recorded": the one announcement the core makes, and who reacts to it.

The core (civicdesk.orders) knows nothing of the apps built on it. Each of them that must do
something when an order moves — queue the notifications, issue the citizen's rating link,
auto-dispatch, ... — subscribes here from its own AppConfig.ready(), and the core's
record() publishes every event it appends.

A reaction runs at one of two moments:

- IN_TRANSACTION: inside the move's transaction, right after the event was written. What it
  writes commits or rolls back with the move (the outbox rows: a move is never recorded
  without its notifications, nor the other way round). An exception here undoes the move.
- AFTER_COMMIT: once the move's transaction has committed (transaction.on_commit), for work
  that must only start for a move that really happened (tasks, auto-dispatch). Never runs
  for a move that rolled back.

In-transaction reactions run in the order they were subscribed, except that a reaction
runs after those it names in `after` (the portal's rating link needs the outbox rows).
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from enum import Enum
from functools import partial
from typing import TYPE_CHECKING

from django.db import transaction

if TYPE_CHECKING:  # only for the annotations: the models module imports nothing from here
    from civicdesk.orders.models import OrderEvent, WorkOrder

Reaction = Callable[["WorkOrder", "OrderEvent"], None]


class When(Enum):
    IN_TRANSACTION = "in_transaction"
    AFTER_COMMIT = "after_commit"


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


def subscribe(
    name: str,
    react: Reaction,
    *,
    when: When,
    actions: Collection[str] | None = None,
    after: Collection[str] = (),
) -> None:
    """Call `react(order, event)` for every recorded move (of `actions`, if given).

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


def move_recorded(order: WorkOrder, event: OrderEvent) -> None:
    """Announce the event just appended to `order` (called by the core's record(), inside
    the move's transaction)."""
    for subscriber in subscribers():
        if subscriber.actions is not None and event.action not in subscriber.actions:
            continue
        if subscriber.when is When.IN_TRANSACTION:
            subscriber.react(order, event)
        else:
            transaction.on_commit(partial(subscriber.react, order, event))
