"""The order page asks the database at most ten times (issue #20's goal) for every role that
opens it, in every state an order can be in, taken on a call or not, and no more for a long
history, more units in the tree or more calls than for a short one: the events, assignments,
files and calls are read once (or not at all when the order has none) and every panel and move
is decided from them; the units the move forms offer come from the per-change copy of the unit
tree (civicdesk.org.tree)."""

from __future__ import annotations

from datetime import timedelta

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from civicdesk.intake.models import Call, CallState
from civicdesk.orders import actions
from civicdesk.orders.models import WorkOrder
from civicdesk.orders.workflow import MOVES
from civicdesk.org.models import OrgUnit, UnitKind, User
from tests.world import World

MOST = 10

# Everyone who works on orders: intake, the hub, the lead unit, an assisting unit, supervision,
# callback, the center's leader.
ROLES = ("operator", "dispatcher", "handler_a", "handler_b", "supervisor", "callback_agent", "leader")

STATES = (
    "received",
    "answered",
    "pending_dispatch",
    "dispatched",
    "signed",
    "return_requested",
    "extension_requested",
    "suspension_requested",
    "suspended",
    "replied",
    "awaiting_callback",
    "rework",
    "closed",
    "merged",
    "void",
    "transferred",
    "withdrawn",
    "consulting",
    "objection_review",
)


def _queries(client: Client, order: WorkOrder) -> int | None:
    """The page's queries (None: the user may not open it). The fewer of two requests: a
    per-process cache that expires between two requests (the dispatch model's look-up, every
    10 s on a slow machine) adds a query to one of them, not to both."""
    path = f"/orders/{order.number}/"
    if client.get(path).status_code == 404:  # the first view also fills sessions, per-process caches
        return None
    counts = []
    for _ in range(2):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
        assert response.status_code == 200
        counts.append(len(captured.captured_queries))
    return min(counts)


def _call(w: World, order: WorkOrder, n: int) -> None:
    """The call the order was taken on (with a recording, as a center with a CTI has)."""
    started = timezone.now() - timedelta(minutes=30 - n)
    Call.objects.create(
        call_id=f"call-{order.pk}-{n}",
        phone=order.citizen_phone,
        hub=w.hub,
        state=CallState.COMPLETED,
        agent=w.operator,
        started_at=started,
        answered_at=started + timedelta(seconds=20),
        ended_at=started + timedelta(minutes=4),
        recording_id=f"rec-{order.pk}-{n}",
        order=order,
    )


def _joint(w: World, steps: int) -> WorkOrder:
    """Dispatched to dept_a with dept_b assisting, then `steps` moves along: signed (and
    dept_b's part given), replied, awaiting its callback, closed."""
    order = w.joint(w.dept_b)
    moves = [
        lambda o: actions.give_part(
            actions.sign_for(o, actor=w.handler_a), actor=w.handler_b, text="已配合核查占道经营情况。"
        ),
        lambda o: actions.reply(o, actor=w.handler_a, result="solved", text="已会同市场监管局修复路面并清理积水。"),
        lambda o: actions.accept_reply(o, actor=w.dispatcher),
        lambda o: actions.record_callback(o, actor=w.callback_agent, solved="solved", satisfaction="satisfied"),
    ]
    for move in moves[:steps]:
        order = move(order)
    return order


def _orders(w: World) -> dict[str, WorkOrder]:
    orders = {state: w.in_state(state) for state in STATES}
    for steps, name in enumerate(("dispatched", "signed", "replied", "awaiting_callback", "closed")):
        orders[f"joint, {name}"] = _joint(w, steps)
    # Back in the dispatch queue after a return: the dispatch form beside the unit it came from.
    orders["returned"] = actions.approve_return(w.return_requested(), actor=w.dispatcher)
    return orders


def _grow(w: World, orders: dict[str, WorkOrder]) -> None:
    """More of everything the page shows or offers: units in the tree, events on every open
    order (supervision, urging, the caller's additions), a second call on every order."""
    for i in range(5):
        OrgUnit.objects.create(name=f"新设单位{i}", code=f"rc-new-{i}", kind=UnitKind.DEPARTMENT, parent=w.hub)
    moves = [
        ("supervise", lambda o: actions.supervise(o, actor=w.supervisor, note="请加快办理")),
        ("urge", lambda o: actions.urge(o, actor=w.operator, note="来电催办")),
        ("supplement", lambda o: actions.supplement(o, actor=w.operator, text="来电人补充：积水已漫到人行道。")),
    ]
    for order in orders.values():
        for _ in range(3):
            for action, move in moves:
                order = WorkOrder.objects.get(pk=order.pk)
                if order.state in MOVES[action].sources:
                    move(order)
        _call(w, order, 2)


def _walk(w: World, orders: dict[str, WorkOrder], clients: dict[str, Client]) -> dict[tuple[str, str], int]:
    counts = {}
    for name, order in orders.items():
        for role in ROLES:
            found = _queries(clients[role], WorkOrder.objects.get(pk=order.pk))
            if found is not None:
                counts[(role, name)] = found
    return counts


def _clients(w: World) -> dict[str, Client]:
    clients = {}
    for role in ROLES:
        user: User = getattr(w, role)
        clients[role] = Client()
        clients[role].force_login(user)
    return clients


def test_the_order_page_takes_at_most_ten_queries_for_every_role_and_state(w: World) -> None:
    orders = _orders(w)
    for order in orders.values():
        _call(w, order, 1)  # the most the page reads: the order was taken on a call
    clients = _clients(w)
    counts = _walk(w, orders, clients)
    # Every role opens the orders it works on (the assisting unit: the joint ones).
    assert {role for role, _name in counts} == set(ROLES)
    assert {name for role, name in counts if role == "handler_b"} >= {n for n in orders if n.startswith("joint")}
    assert {key: n for key, n in counts.items() if n > MOST} == {}

    _grow(w, orders)
    grown = _walk(w, orders, clients)
    assert grown.keys() == counts.keys()
    assert {key: (counts[key], n) for key, n in grown.items() if n != counts[key]} == {}


def test_the_order_page_asks_for_calls_only_when_the_order_was_taken_on_one(w: World) -> None:
    order = w.signed()
    client = _clients(w)["dispatcher"]
    without = _queries(client, order)
    _call(w, order, 1)
    response = client.get(f"/orders/{order.number}/")
    assert f"call-{order.pk}-1" in response.content.decode()  # the call is on the page
    assert _queries(client, order) == (without or 0) + 1
