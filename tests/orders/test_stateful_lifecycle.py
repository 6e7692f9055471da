"""Random histories: random people try random moves on a few orders while the clock runs.

Refusals (no right, wrong state, bad input, stale version) must write nothing; every move
that goes through writes exactly one event; after every step the orders must still make
sense (the history replays to the state, versions count events, every order has its
owner, deadlines follow creation, every ending has its reason, merges stay one level deep).

Hypothesis draws a seeded Random per step, and the step makes its weighted choices with
it: mostly the moves the order's state allows, by the people whose move it is, with good
input — and now and then anything at all, by anyone.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import time_machine
from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test

from civicdesk.catalogue.models import RequestType, Urgency
from civicdesk.notifications.models import OutboxMessage
from civicdesk.orders import actions
from civicdesk.orders.errors import ConflictError, InvalidInput, InvalidTransition, PermissionDenied
from civicdesk.orders.models import (
    Assignment,
    AssignmentRole,
    OrderEvent,
    ReplyResult,
    Satisfaction,
    SupervisionNotice,
    TransferRoute,
    WorkOrder,
)
from civicdesk.orders.workflow import MOVES, TERMINAL, WITH_UNIT, State, replay
from civicdesk.org.models import OrgUnit, User
from tests.world import World

SH = ZoneInfo("Asia/Shanghai")
REFUSALS = (PermissionDenied, InvalidTransition, InvalidInput, ConflictError)
MAX_ORDERS = 3
# Moves that end an order early, or change nothing, are picked less often than the ones
# that carry it along, so that histories get deep enough to reach callbacks and reworks.
WEIGHTS = {
    "answer_immediately": 1,
    "void": 1,
    "transfer_out": 1,
    "merge": 1,
    "supplement": 1,
    "supervise": 1,
    "urge": 1,
    "redispatch": 2,
    "sub_dispatch": 2,
    "request_return": 2,
    "request_extension": 2,
    "request_suspension": 2,
    "send_back_reply": 3,
    "close_without_callback": 3,
}
DEADLINE_FIELDS = ("sign_due_at", "handle_due_at", "handle_warn_at", "return_due_at", "callback_due_at")
TEXTS = ["已核实情况，安排处理。"] * 12 + ["", "   ", "超长" * 1200]
REASONS = ["非本单位职责，应由属地街道办理", "等待检测结果", "来电人拒绝回访"] * 3 + [""]
DAYS: list[Any] = [0.5, 1, 2, 3] * 3 + [10, 11, 0, -1, "abc", 1.3]

Call = Callable[[int, Any, "int | None", random.Random], WorkOrder]


def mostly(rnd: random.Random, likely: list[Any], anything: list[Any], odds: float = 0.85) -> Any:
    """Usually one of `likely`, now and then anything."""
    return rnd.choice(likely if likely and rnd.random() < odds else anything)


class Lifecycle(RuleBasedStateMachine):
    world: World  # set by the test before running

    def __init__(self) -> None:
        super().__init__()
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        self._traveller: Any = None
        self._clock: Any = None
        self.orders: list[int] = []
        self.owners: dict[int, int] = {}
        w = self.world
        self.people: list[User | None] = [
            w.operator,
            w.dispatcher,
            w.handler_a,
            w.head_a,
            w.handler_b,
            w.handler_c,
            w.town_handler,
            w.town_head,
            w.village_handler,
            w.callback_agent,
            w.supervisor,
            w.leader,
            w.admin,
            w.outsider,
            None,
        ]
        self.units: list[OrgUnit] = [w.dept_a, w.dept_b, w.dept_c, w.town, w.village, w.hub]
        self.staff = {
            w.dept_a.pk: [w.handler_a, w.head_a],
            w.dept_b.pk: [w.handler_b],
            w.dept_c.pk: [w.handler_c],
            w.town.pk: [w.town_handler, w.town_head],
            w.village.pk: [w.village_handler, w.town_handler],
        }
        self.moves = self._moves()

    def teardown(self) -> None:
        if self._traveller is not None:
            self._traveller.stop()
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)

    @initialize(day=st.integers(0, 760), minute=st.integers(0, 24 * 60 - 1))
    def start_clock(self, day: int, minute: int) -> None:
        """Somewhere in 2025–2027: holidays, make-up days, the year without calendar data."""
        start = datetime(2025, 1, 1, tzinfo=SH) + timedelta(days=day, minutes=minute)
        self._traveller = time_machine.travel(start, tick=False)
        self._clock = self._traveller.start()

    @rule(rnd=st.randoms(use_true_random=True))
    def step(self, rnd: random.Random) -> None:
        roll = rnd.random()
        if roll < 0.12:
            self._let_time_pass(rnd)
        elif roll < 0.18:
            self._run_the_watch()
        elif len(self.orders) < MAX_ORDERS and (roll < 0.24 or self._all_ended()):
            self._take_a_call(rnd)
        else:
            self._make_a_move(rnd)

    # -- steps ----------------------------------------------------------------------------

    def _all_ended(self) -> bool:
        return not WorkOrder.objects.filter(pk__in=self.orders).exclude(state__in=sorted(TERMINAL)).exists()

    def _let_time_pass(self, rnd: random.Random) -> None:
        minutes = rnd.choice([rnd.randint(1, 120), rnd.randint(120, 3 * 1440), rnd.randint(1, 20) * 1440])
        self._clock.shift(timedelta(minutes=minutes))

    def _run_the_watch(self) -> None:
        before = OrderEvent.objects.count()
        issued = actions.run_deadline_watch()
        assert OrderEvent.objects.count() == before + issued
        assert SupervisionNotice.objects.count() == OrderEvent.objects.filter(action="deadline_notice").count()

    def _take_a_call(self, rnd: random.Random) -> None:
        w = self.world
        actor = mostly(rnd, [w.operator, w.dispatcher], self.people[:-1])
        kwargs = {
            "request_type": rnd.choice(RequestType.values),
            "urgency": rnd.choice([Urgency.NORMAL] * 4 + [Urgency.URGENT, Urgency.EMERGENCY]),
            "category": rnd.choice([w.cat_potholes, w.cat_roads, w.cat_noise, None]),
            "citizen_phone": mostly(rnd, ["13800001234", "13900005678", ""], ["not-a-phone"]),
            "wants_reply": rnd.random() < 0.8,
        }
        order = self._attempt(lambda: w.new_order(actor=actor, **kwargs), None, "create")
        if order is not None:
            self.orders.append(order.pk)
            self.owners[order.pk] = actor.pk

    def _make_a_move(self, rnd: random.Random) -> None:
        order = WorkOrder.objects.get(pk=rnd.choice(self.orders))
        fitting = [name for name, (event, *_rest) in self.moves.items() if order.state in MOVES[event].sources]
        if fitting and rnd.random() < 0.9:
            name = rnd.choices(fitting, weights=[WEIGHTS.get(n, 8) for n in fitting])[0]
        else:
            name = rnd.choice(sorted(self.moves))
        event, call, plausible = self.moves[name]
        actor = mostly(rnd, plausible(order), self.people)
        version = rnd.choice([None] * 4 + [order.version] * 3 + [order.version - 1])
        self._attempt(lambda: call(order.pk, actor, version, rnd), order.pk, event)

    def _attempt(self, call: Callable[[], WorkOrder], order_id: int | None, event: str) -> WorkOrder | None:
        before = _snapshot()
        try:
            result = call()
        except REFUSALS:
            assert _snapshot() == before, "a refused move wrote something"
            return None
        new_events = list(OrderEvent.objects.filter(pk__gt=before["last_event"]))
        assert len(new_events) == 1, new_events
        assert new_events[0].action == event
        if order_id is not None:
            assert new_events[0].order_id == order_id
        return result

    def _moves(self) -> dict[str, tuple[str, Call, Callable[[WorkOrder], list[Any]]]]:
        w = self.world
        hub, intake = [w.dispatcher], [w.operator, w.dispatcher]
        units = self.units

        def lead(o: WorkOrder) -> list[Any]:
            return self.staff.get(o.lead_unit_id or 0, [])

        def assisting(o: WorkOrder) -> list[Any]:
            ids = Assignment.objects.filter(order=o, active=True, role=AssignmentRole.ASSIST).values_list(
                "unit_id", flat=True
            )
            return [u for i in ids for u in self.staff.get(i, [])]

        def v(version: int | None) -> dict[str, Any]:
            return {"expected_version": version}

        def text(r: random.Random) -> str:
            return r.choice(TEXTS)

        def reason(r: random.Random) -> str:
            return r.choice(REASONS)

        def some_units(r: random.Random, most: int) -> list[OrgUnit]:
            return r.sample(units, r.randint(1, most)) if r.random() < 0.3 else []

        def dispatch(pk: int, a: Any, ver: int | None, r: random.Random) -> WorkOrder:
            if r.random() < 0.15:  # a town leads, its village assists: later passed down to the village?
                return actions.dispatch(pk, actor=a, lead_unit=w.town, assisting_units=[w.village], **v(ver))
            return actions.dispatch(pk, actor=a, lead_unit=r.choice(units), assisting_units=some_units(r, 2), **v(ver))

        def redispatch(pk: int, a: Any, ver: int | None, r: random.Random) -> WorkOrder:
            return actions.redispatch(
                pk, actor=a, lead_unit=r.choice(units), reason=reason(r), assisting_units=some_units(r, 1), **v(ver)
            )

        def approve_return(pk: int, a: Any, ver: int | None, r: random.Random) -> WorkOrder:
            new_lead = r.choice([None, None, *units])
            return actions.approve_return(pk, actor=a, new_lead_unit=new_lead, **v(ver))

        def merge(pk: int, a: Any, ver: int | None, r: random.Random) -> WorkOrder:
            return actions.merge(pk, actor=a, into=r.choice(self.orders), **v(ver))

        def record_callback(pk: int, a: Any, ver: int | None, r: random.Random) -> WorkOrder:
            return actions.record_callback(
                pk,
                actor=a,
                solved=mostly(r, ReplyResult.values, ["maybe"]),
                satisfaction=r.choice(Satisfaction.values),
                rework=r.random() < 0.4,
                via=mostly(r, ["phone", "sms", "online"], ["pigeon"]),
                **v(ver),
            )

        return {
            "answer_immediately": (
                "answer",
                lambda pk, a, ver, r: actions.answer_immediately(
                    pk, actor=a, answer=text(r), article_ids=[1], **v(ver)
                ),
                lambda o: intake,
            ),
            "send_to_hub": (
                "send_to_hub",
                lambda pk, a, ver, r: actions.send_to_hub(pk, actor=a, **v(ver)),
                lambda o: [w.operator],
            ),
            "dispatch": ("dispatch", dispatch, lambda o: intake),
            "redispatch": ("redispatch", redispatch, lambda o: hub),
            "sign_for": ("sign", lambda pk, a, ver, r: actions.sign_for(pk, actor=a, **v(ver)), lead),
            "sign_part": ("sign_part", lambda pk, a, ver, r: actions.sign_part(pk, actor=a, **v(ver)), assisting),
            "give_part": (
                "give_part",
                lambda pk, a, ver, r: actions.give_part(pk, actor=a, text=text(r), **v(ver)),
                assisting,
            ),
            "sub_dispatch": (
                "sub_dispatch",
                lambda pk, a, ver, r: actions.sub_dispatch(
                    pk, actor=a, sub_unit=r.choice([w.village, w.village, w.town, w.dept_b]), **v(ver)
                ),
                lead,
            ),
            "request_return": (
                "request_return",
                lambda pk, a, ver, r: actions.request_return(pk, actor=a, reason=reason(r), **v(ver)),
                lead,
            ),
            "approve_return": ("approve_return", approve_return, lambda o: hub),
            "refuse_return": (
                "refuse_return",
                lambda pk, a, ver, r: actions.refuse_return(pk, actor=a, reason=reason(r), **v(ver)),
                lambda o: hub,
            ),
            "request_extension": (
                "request_extension",
                lambda pk, a, ver, r: actions.request_extension(
                    pk, actor=a, days=r.choice(DAYS), reason=reason(r), **v(ver)
                ),
                lead,
            ),
            "approve_extension": (
                "approve_extension",
                lambda pk, a, ver, r: actions.approve_extension(
                    pk, actor=a, days=r.choice([None, None, *DAYS]), **v(ver)
                ),
                lambda o: hub,
            ),
            "refuse_extension": (
                "refuse_extension",
                lambda pk, a, ver, r: actions.refuse_extension(pk, actor=a, reason=reason(r), **v(ver)),
                lambda o: hub,
            ),
            "request_suspension": (
                "request_suspension",
                lambda pk, a, ver, r: actions.request_suspension(pk, actor=a, reason=reason(r), **v(ver)),
                lead,
            ),
            "approve_suspension": (
                "approve_suspension",
                lambda pk, a, ver, r: actions.approve_suspension(pk, actor=a, **v(ver)),
                lambda o: hub,
            ),
            "refuse_suspension": (
                "refuse_suspension",
                lambda pk, a, ver, r: actions.refuse_suspension(pk, actor=a, reason=reason(r), **v(ver)),
                lambda o: hub,
            ),
            "resume": ("resume", lambda pk, a, ver, r: actions.resume(pk, actor=a, **v(ver)), lambda o: hub + lead(o)),
            "reply": (
                "reply",
                lambda pk, a, ver, r: actions.reply(
                    pk, actor=a, result=mostly(r, ReplyResult.values, ["done"]), text=text(r), **v(ver)
                ),
                lead,
            ),
            "accept_reply": (
                "accept_reply",
                lambda pk, a, ver, r: actions.accept_reply(pk, actor=a, **v(ver)),
                lambda o: hub,
            ),
            "send_back_reply": (
                "send_back_reply",
                lambda pk, a, ver, r: actions.send_back_reply(pk, actor=a, reason=reason(r), **v(ver)),
                lambda o: hub,
            ),
            "record_callback": ("record_callback", record_callback, lambda o: [w.callback_agent, None]),
            "close_without_callback": (
                "close_without_callback",
                lambda pk, a, ver, r: actions.close_without_callback(pk, actor=a, reason=reason(r), **v(ver)),
                lambda o: [w.callback_agent, w.dispatcher],
            ),
            "merge": ("merge", merge, lambda o: hub),
            "void": (
                "void",
                lambda pk, a, ver, r: actions.void(pk, actor=a, reason=reason(r), **v(ver)),
                lambda o: hub,
            ),
            "transfer_out": (
                "transfer_out",
                lambda pk, a, ver, r: actions.transfer_out(
                    pk, actor=a, route=mostly(r, TransferRoute.values, ["999"]), told_caller=text(r), **v(ver)
                ),
                lambda o: intake,
            ),
            "supervise": (
                "supervise",
                lambda pk, a, ver, r: actions.supervise(pk, actor=a, note=text(r), **v(ver)),
                lambda o: [w.supervisor],
            ),
            "supplement": (
                "supplement",
                lambda pk, a, ver, r: actions.supplement(pk, actor=a, text=text(r), **v(ver)),
                lambda o: [*intake, None],
            ),
            "urge": (
                "urge",
                lambda pk, a, ver, r: actions.urge(pk, actor=a, note=text(r)[:600], **v(ver)),
                lambda o: [*intake, None],
            ),
        }

    @invariant()
    def every_order_still_makes_sense(self) -> None:
        for order in WorkOrder.objects.filter(pk__in=self.orders).select_related("parent"):
            _check(order, self.owners[order.pk])


def _snapshot() -> dict[str, Any]:
    last = OrderEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    return {
        "orders": list(WorkOrder.objects.order_by("pk").values()),
        "assignments": list(Assignment.objects.order_by("pk").values()),
        "last_event": last,
        "outbox": OutboxMessage.objects.count(),
        "notices": SupervisionNotice.objects.count(),
    }


def _check(order: WorkOrder, owner_id: int) -> None:
    events = list(order.events.order_by("seq"))
    label = f"{order.number} ({order.state})"
    assert [e.seq for e in events] == list(range(1, len(events) + 1)), label
    assert order.version == order.event_count == len(events), label
    assert replay([(e.action, e.from_state, e.to_state) for e in events]) == order.state, label
    assert [e.at for e in events] == sorted(e.at for e in events), label
    assert order.owner_id == owner_id == events[0].actor_id, label
    for field in DEADLINE_FIELDS:
        due = getattr(order, field)
        assert due is None or due >= order.created_at, (label, field, due, order.created_at)
    if order.handle_due_at is not None and order.handle_warn_at is not None:
        assert order.handle_warn_at <= order.handle_due_at, label
    if order.state in TERMINAL:
        assert order.closed_at is not None, label
    # Every 催办 is counted on the order, and nothing else counts there.
    assert order.urge_count == sum(e.action == "urge" for e in events), label
    if order.state == State.CLOSED:
        assert order.callback_satisfaction or order.no_callback_reason, label
    if order.state == State.ANSWERED:
        assert order.answer_text, label
    if order.state == State.VOID:
        assert order.void_reason, label
    if order.state == State.TRANSFERRED:
        assert order.transfer_route and events[-1].note, label
    if order.state == State.MERGED:
        assert order.parent is not None and order.parent.pk != order.pk, label
        assert order.parent.state != State.MERGED and order.parent.parent_id is None, label
    else:
        assert order.parent_id is None, label
    active_leads = list(
        Assignment.objects.filter(order=order, active=True, role=AssignmentRole.LEAD).values_list("unit_id", flat=True)
    )
    if order.state in WITH_UNIT:
        assert order.lead_unit_id is not None and active_leads == [order.lead_unit_id], (label, active_leads)
        assert order.dispatched_at is not None and order.handle_due_at is not None, label
    if order.state == State.SUSPENDED:
        assert order.suspended_at is not None, label
    if order.state in (State.RECEIVED, State.PENDING_DISPATCH):
        assert active_leads == [], label


def test_it_keeps_every_order_consistent_through_random_histories(w: World) -> None:
    Lifecycle.world = w
    run_state_machine_as_test(
        Lifecycle,
        settings=settings(
            max_examples=25,
            stateful_step_count=50,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large],
        ),
    )
