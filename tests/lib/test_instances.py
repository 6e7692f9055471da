"""lib.instances.new builds the very instance `Model(**fields)` builds: the same values in
every field (defaults included), the same related objects cached, the same state, and a
fresh value wherever the default is a callable."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from django.db import models

from civicdesk.lib.instances import new
from civicdesk.orders.models import Assignment, AssignmentRole, WorkOrder
from civicdesk.org.models import OrgUnit, User

HUB = OrgUnit(pk=7, name="中心", code="hub", path="/7/", is_hub=True)
UNIT = OrgUnit(pk=8, name="住建局", code="zj", path="/7/8/")
ACTOR = User(pk=3, username="history-import")
AT = datetime(2025, 3, 3, 1, 0, tzinfo=UTC)


def _seen(instance: models.Model) -> dict[str, Any]:
    values = {k: v for k, v in vars(instance).items() if k != "_state"}
    return {
        **values,
        "cached": {name: getattr(obj, "pk", obj) for name, obj in instance._state.fields_cache.items()},
        "adding": instance._state.adding,
        "db": instance._state.db,
    }


def test_an_order_is_built_as_the_keyword_constructor_builds_it() -> None:
    fields: dict[str, Any] = {
        "number": "H2025030300001",
        "owner": ACTOR,
        "hub": HUB,
        "area": None,
        "category": None,
        "enterprise_id": None,
        "latitude": Decimal("42.350400"),
        "longitude": None,
        "created_at": AT,
        "updated_at": AT,
        "channel": "phone",
        "title": "路面坑洼",
        "content": "人民路路面坑洼",
    }
    assert _seen(new(WorkOrder, **fields)) == _seen(WorkOrder(**fields))
    # A callable default gives every order its own list.
    assert new(WorkOrder, **fields).outer_levels is not new(WorkOrder, **fields).outer_levels


def test_an_assignment_is_built_as_the_keyword_constructor_builds_it() -> None:
    order = WorkOrder(pk=5, number="H1", hub=HUB)
    fields = {"order": order, "unit": UNIT, "role": AssignmentRole.LEAD, "dispatched_at": AT, "sign_due_at": None}
    assert _seen(new(Assignment, **fields)) == _seen(Assignment(**fields))
    by_id = {"order_id": 5, "unit_id": 8, "role": AssignmentRole.ASSIST}
    assert _seen(new(Assignment, **by_id)) == _seen(Assignment(**by_id))


def test_a_keyword_that_is_no_field_is_refused_as_by_the_constructor() -> None:
    errors = []
    for build in (lambda: new(Assignment, colour="red"), lambda: Assignment(colour="red")):
        try:
            build()
        except TypeError as error:
            errors.append(str(error))
    assert len(errors) == 2 and errors[0] == errors[1]
