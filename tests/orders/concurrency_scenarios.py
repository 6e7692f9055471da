"""Races shared by the PostgreSQL and the SQLite concurrency tests: the same guarantees
must hold on both (row locks there, IMMEDIATE transactions here)."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
import time_machine

from civicdesk.notifications.models import OutboxMessage
from civicdesk.orders import actions
from civicdesk.orders.errors import ConflictError, InvalidInput, InvalidTransition
from civicdesk.orders.models import Assignment, OrderEvent, WorkOrder
from civicdesk.orders.workflow import State, replay
from civicdesk.org.models import Membership, Role, User
from tests.orders.racing import race, slow_moves
from tests.world import World


def second_dispatcher(w: World) -> User:
    user = User.objects.create_user(username="dispatcher2", password="pw-dispatcher2", display_name="派单员小王")
    Membership.objects.create(user=user, unit=w.hub, role=Role.DISPATCHER)
    return user


def _winner_and_loser(outcomes: list[tuple[str, Any]]) -> tuple[int, Exception]:
    kinds = [kind for kind, _ in outcomes]
    assert sorted(kinds) == ["error", "ok"], outcomes
    winner = kinds.index("ok")
    return winner, outcomes[1 - winner][1]


def assert_whole(order_id: int) -> WorkOrder:
    """Nothing half-written: the history replays to the state, versions match, every
    event's notifications belong to it."""
    order = WorkOrder.objects.get(pk=order_id)
    events = list(OrderEvent.objects.filter(order=order).order_by("seq"))
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    assert replay([(e.action, e.from_state, e.to_state) for e in events]) == order.state
    assert order.version == order.event_count == len(events)
    assert not OutboxMessage.objects.filter(order=order).exclude(event__in=events).exists()
    return order


def dispatch_race(w: World, monkeypatch: pytest.MonkeyPatch, *, with_version: bool) -> None:
    other = second_dispatcher(w)
    order = w.new_order()
    version = order.version if with_version else None
    slow_moves(monkeypatch)
    units = [w.dept_a, w.dept_b]
    outcomes = race(
        lambda: actions.dispatch(order.pk, actor=w.dispatcher, lead_unit=units[0], expected_version=version),
        lambda: actions.dispatch(order.pk, actor=other, lead_unit=units[1], expected_version=version),
    )
    winner, error = _winner_and_loser(outcomes)
    assert isinstance(error, ConflictError if with_version else InvalidTransition), error
    assert order.number in error.message
    order = assert_whole(order.pk)
    assert order.state == State.DISPATCHED
    assert order.lead_unit == units[winner]
    assert list(order.events.values_list("action", flat=True)) == ["create", "dispatch"]
    active = list(Assignment.objects.filter(order=order, active=True).values_list("unit_id", flat=True))
    assert active == [units[winner].pk]
    # Only the winner's unit was told.
    told = set(OutboxMessage.objects.filter(order=order, event__action="dispatch").values_list("user_id", flat=True))
    assert w.handler_a.pk in told if winner == 0 else w.handler_b.pk in told
    assert w.handler_b.pk not in told if winner == 0 else w.handler_a.pk not in told


def sign_race(w: World, monkeypatch: pytest.MonkeyPatch, *, with_version: bool) -> None:
    order = w.dispatched()
    version = order.version if with_version else None
    slow_moves(monkeypatch)
    outcomes = race(
        lambda: actions.sign_for(order.pk, actor=w.handler_a, expected_version=version),
        lambda: actions.sign_for(order.pk, actor=w.head_a, expected_version=version),
    )
    winner, error = _winner_and_loser(outcomes)
    assert isinstance(error, ConflictError if with_version else InvalidTransition), error
    order = assert_whole(order.pk)
    assert order.state == State.SIGNED
    sign = order.events.get(action="sign")
    assert sign.actor == [w.handler_a, w.head_a][winner]
    assert order.signed_at is not None
    assert abs((order.signed_at - sign.at).total_seconds()) < 1


def accept_race(w: World, monkeypatch: pytest.MonkeyPatch, *, with_version: bool) -> None:
    other = second_dispatcher(w)
    order = w.replied()
    version = order.version if with_version else None
    slow_moves(monkeypatch)
    outcomes = race(
        lambda: actions.accept_reply(order.pk, actor=w.dispatcher, expected_version=version),
        lambda: actions.send_back_reply(order.pk, actor=other, reason="答复未说明修复时间", expected_version=version),
    )
    winner, error = _winner_and_loser(outcomes)
    assert isinstance(error, ConflictError if with_version else InvalidTransition), error
    order = assert_whole(order.pk)
    assert order.state == [State.AWAITING_CALLBACK, State.SIGNED][winner]
    assert order.events.filter(action__in=["accept_reply", "send_back_reply"]).count() == 1
    assert (order.callback_due_at is not None) == (winner == 0)


def crossing_merge_race(w: World, monkeypatch: pytest.MonkeyPatch) -> None:
    other = second_dispatcher(w)
    first, second = w.new_order(), w.new_order(citizen_phone="13900005678")
    slow_moves(monkeypatch)
    outcomes = race(
        lambda: actions.merge(first.pk, actor=w.dispatcher, into=second.pk),
        lambda: actions.merge(second.pk, actor=other, into=first.pk),
    )
    winner, error = _winner_and_loser(outcomes)
    assert isinstance(error, InvalidInput | InvalidTransition), error
    child, parent = (assert_whole(first.pk), assert_whole(second.pk))
    if winner == 1:
        child, parent = parent, child
    assert child.state == State.MERGED
    assert child.parent == parent
    assert parent.state == State.RECEIVED
    assert parent.parent is None


def creation_burst(w: World, *, threads: int = 2, each: int = 20) -> None:
    def burst(index: int) -> list[str]:
        return [w.new_order(title=f"批量受理 {index}-{n}").number for n in range(each)]

    with time_machine.travel("2026-03-02 10:00 +0800", tick=False):
        outcomes = race(*[lambda i=i: burst(i) for i in range(threads)])
    assert all(kind == "ok" for kind, _ in outcomes), outcomes
    numbers = [number for _, batch in outcomes for number in batch]
    assert len(numbers) == threads * each
    assert sorted(numbers) == [f"20260302{n:05d}" for n in range(1, threads * each + 1)]
    # Each thread's own numbers rise in the order it took the calls.
    for _, batch in outcomes:
        assert batch == sorted(batch)
    creations = Counter(OrderEvent.objects.filter(action="create").values_list("order_id", flat=True))
    assert set(creations.values()) == {1}
    for order in WorkOrder.objects.all():
        assert_whole(order.pk)
