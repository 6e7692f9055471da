"""Apps react to a recorded move through civicdesk.orders.reactions: in-transaction reactions
commit or roll back with the move, after-commit ones run only for a move that committed, and
worker ones in the background worker, from a task written with the move."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction

from civicdesk.orders import actions, reactions
from civicdesk.orders.errors import InvalidInput
from civicdesk.orders.models import WorkOrder
from civicdesk.orders.reactions import When
from civicdesk.orders.store import RecordedEvent, Store
from tests.worker import run_queued
from tests.world import World


@pytest.fixture
def heard() -> Iterator[list[tuple[str, str]]]:
    """Subscribe two listeners for the test, and take them away after it."""
    log: list[tuple[str, str]] = []
    reactions.subscribe("test.now", lambda o, e, s: log.append(("now", e.action)), when=When.IN_TRANSACTION)
    reactions.subscribe("test.later", lambda o, e, s: log.append(("later", e.action)), when=When.AFTER_COMMIT)
    yield log
    reactions.unsubscribe("test.now")
    reactions.unsubscribe("test.later")


def test_each_move_is_announced_now_and_after_commit(
    w: World, heard: list[tuple[str, str]], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        w.new_order()
        # Until the commit only the in-transaction reaction has run.
        assert heard == [("now", "create")]
    assert heard == [("now", "create"), ("later", "create")]


def test_a_failing_reaction_undoes_the_move(w: World) -> None:
    order = w.new_order()

    def refuse(order: WorkOrder, event: RecordedEvent, store: Store) -> None:
        raise InvalidInput("no")

    reactions.subscribe("test.refuse", refuse, when=When.IN_TRANSACTION, actions={"send_to_hub"})
    try:
        with pytest.raises(InvalidInput):
            actions.send_to_hub(order, actor=w.operator)
    finally:
        reactions.unsubscribe("test.refuse")
    order.refresh_from_db()
    assert order.state == "received"
    assert not order.events.filter(action="send_to_hub").exists()


def test_no_after_commit_reaction_for_a_move_that_rolled_back(
    w: World, heard: list[tuple[str, str]], django_capture_on_commit_callbacks: Any
) -> None:
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        w.new_order()
        raise RuntimeError("the caller's transaction fails after the move")
    assert heard == [("now", "create")]
    assert callbacks == []
    assert not WorkOrder.objects.exists()


def test_a_reaction_runs_after_those_it_names() -> None:
    names_before = [s.name for s in reactions.subscribers()]
    reactions.subscribe("test.second", lambda o, e, s: None, when=When.IN_TRANSACTION, after={"test.first"})
    reactions.subscribe("test.first", lambda o, e, s: None, when=When.IN_TRANSACTION)
    try:
        names = [s.name for s in reactions.subscribers()]
        assert names.index("test.first") < names.index("test.second")
    finally:
        reactions.unsubscribe("test.first")
        reactions.unsubscribe("test.second")
    assert [s.name for s in reactions.subscribers()] == names_before


def test_the_apps_subscribe_from_their_own_ready() -> None:
    names = [s.name for s in reactions.subscribers()]
    assert {"notifications.outbox", "portal.rating_link", "routing.auto_dispatch"} <= set(names)
    # The rating link is written once the outbox rows exist.
    assert names.index("notifications.outbox") < names.index("portal.rating_link")


def test_a_worker_reaction_runs_in_the_worker_once_the_move_committed(w: World) -> None:
    log: list[tuple[str, int]] = []
    reactions.subscribe(
        "test.worker", lambda o, e, s: log.append((e.action, o.pk)), when=When.IN_WORKER, actions={"create"}
    )
    try:
        order = w.new_order()
        actions.send_to_hub(order, actor=w.operator)  # not one of its actions: nothing queued
        assert log == []  # not during the move
        assert run_queued() == 1
    finally:
        reactions.unsubscribe("test.worker")
    assert log == [("create", order.pk)]
