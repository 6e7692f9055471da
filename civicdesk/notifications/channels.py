"""Ways out of the outbox that other apps add: a medium, and how one message of it is sent.

SMS and e-mail are the outbox's own (civicdesk.notifications.backends). An app above this one
that must send something "exactly once, in order, retried with backoff" — the report of a
move to an upstream platform (civicdesk.upstream) — writes OutboxMessage rows of its medium
in the move's transaction and registers its sender here from its AppConfig.ready(); the
delivery sweep (civicdesk.notifications.delivery) claims, sends, retries and records them
like any other message, so failures show where every failed message shows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # only for the annotations: the models import nothing from here
    from civicdesk.notifications.backends import Outcome
    from civicdesk.notifications.models import OutboxMessage


@dataclass(frozen=True)
class Channel:
    medium: str
    send: Callable[[OutboxMessage], Outcome]
    # The far end drops a repeated message id (the outbox id is the idempotency key): a send
    # whose fate is unknown (a timeout, a worker killed mid-call) is retried with the same id.
    idempotent: bool = True
    # Messages of one order to one address go out one after the other: a message waits
    # until every earlier one is sent (a "closed" never overtakes its "replied").
    in_order: bool = True
    # Unlike an SMS, a late report is still owed: never expired for age.
    expires: bool = False


_channels: dict[str, Channel] = {}


def register_channel(channel: Channel) -> None:
    """Add (or, by medium, replace) a way out; called from an AppConfig.ready()."""
    _channels[channel.medium] = channel


def channel(medium: str) -> Channel | None:
    return _channels.get(medium)


def registered_media() -> list[str]:
    return list(_channels)


def ordered_media() -> list[str]:
    return [c.medium for c in _channels.values() if c.in_order]
