"""`civicdesk demo`: the city, its accounts and a small year of history, built once."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from civicdesk.catalogue.models import Category
from civicdesk.demo.city import HUB_CODE
from civicdesk.notifications.models import OutboxMessage
from civicdesk.orders.models import Assignment, OrderEvent, WorkOrder
from civicdesk.orders.workflow import replay
from civicdesk.org.models import Membership, OrgUnit, Role, UnitKind, User

pytestmark = pytest.mark.django_db


def _counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (WorkOrder, OrderEvent, Assignment, OutboxMessage, User, Membership, OrgUnit, Category)
    }


def _assert_histories_replay() -> None:
    histories: dict[int, list[tuple[str, str, str]]] = {}
    for order_id, action, source, target in OrderEvent.objects.order_by("order_id", "seq").values_list(
        "order_id", "action", "from_state", "to_state"
    ):
        histories.setdefault(order_id, []).append((action, source, target))
    states = dict(WorkOrder.objects.values_list("pk", "state"))
    assert set(histories) == set(states), "every order has a history, every history an order"
    wrong = {pk: (state, replay(histories[pk])) for pk, state in states.items() if replay(histories[pk]) != state}
    assert not wrong, f"stored state differs from the replayed history (order: (stored, replayed)): {wrong}"


def _run(**options: object) -> str:
    out = StringIO()
    call_command("demo", no_serve=True, stdout=out, **options)
    return out.getvalue()


def test_demo_builds_the_city_once_and_its_histories_replay() -> None:
    _run(orders=120)
    first = _counts()
    assert first["WorkOrder"] >= 120

    output = _run(orders=120)
    assert _counts() == first, "a second run must add nothing"
    assert "演示数据已就绪" in output

    assert OrgUnit.objects.filter(kind=UnitKind.TOWN).count() >= 15
    assert OrgUnit.objects.filter(kind=UnitKind.DEPARTMENT).count() >= 40
    assert Category.objects.filter(children__isnull=True, level=3).count() >= 100
    roles_with_accounts = set(Membership.objects.filter(user__is_active=True).values_list("role", flat=True))
    assert set(Role.values) <= roles_with_accounts, f"no account for {set(Role.values) - roles_with_accounts}"
    _assert_histories_replay()


def test_demo_bulk_builds_replayable_history_once() -> None:
    _run(orders=150, bulk=True, batch=40)
    first = _counts()
    assert first["WorkOrder"] >= 150
    assert first["OutboxMessage"] > first["WorkOrder"]
    _run(orders=150, bulk=True, batch=40)
    assert _counts() == first, "a second run must add nothing"
    _assert_histories_replay()
    # The bulk rows carry ids of their own; the id sequences must have moved past them, so
    # the real actions can go on adding orders, events and messages.
    # --orders counts the city center's orders; the prefecture above it has a few of its own.
    _run(orders=WorkOrder.objects.filter(hub__code=HUB_CODE).count() + 3)
    assert WorkOrder.objects.count() == first["WorkOrder"] + 3
    _assert_histories_replay()
