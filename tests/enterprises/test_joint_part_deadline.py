"""并联办理: each assisting unit's part has its own deadline — the dispatcher's number of
working days, else the 协办时限 policy — never after the lead unit's own deadline."""

from __future__ import annotations

from decimal import Decimal

import pytest
import time_machine

from civicdesk.orders import actions
from civicdesk.orders.errors import InvalidInput
from civicdesk.orders.models import Assignment, AssignmentRole
from civicdesk.worktime.models import Stage, TimeLimitPolicy
from tests.console.helpers import client_for
from tests.worktime.helpers import at
from tests.world import World

MONDAY = at(2026, 3, 9, 9)


def _dispatch(w: World, **params: object) -> object:
    with time_machine.travel(MONDAY, tick=False):
        return actions.dispatch(
            w.new_order(), actor=w.dispatcher, lead_unit=w.dept_a, assisting_units=[w.dept_b, w.dept_c], **params
        )


def _due(w: World) -> set[object]:
    return set(Assignment.objects.filter(role=AssignmentRole.ASSIST).values_list("part_due_at", flat=True))


def test_parts_get_three_working_days_by_default(w: World) -> None:
    _dispatch(w)
    assert _due(w) == {at(2026, 3, 12, 9)}
    assert Assignment.objects.get(role=AssignmentRole.LEAD).part_due_at is None


def test_the_dispatcher_may_choose_the_days(w: World) -> None:
    _dispatch(w, part_days="1.5")
    # One working day to Tuesday 09:00, then half a day (3¾ working hours) over the lunch break.
    assert _due(w) == {at(2026, 3, 10, 14, 15)}


def test_a_policy_sets_them(w: World) -> None:
    TimeLimitPolicy.objects.create(stage=Stage.PART, amount=Decimal(5), unit="working_days")
    _dispatch(w)
    assert _due(w) == {at(2026, 3, 16, 9)}


def test_a_part_is_never_due_after_the_lead(w: World) -> None:
    _dispatch(w, part_days=40)
    order = Assignment.objects.filter(role=AssignmentRole.ASSIST).first().order  # type: ignore[union-attr]
    assert _due(w) == {order.handle_due_at}


def test_bad_days_are_refused(w: World) -> None:
    with pytest.raises(InvalidInput) as caught:
        _dispatch(w, part_days="0.3")
    assert caught.value.fields == {"part_days": "协办时限须为 0.5 至 60 个工作日（以半天为单位）。"}


def test_the_dispatch_form_takes_the_days(w: World) -> None:
    order = w.pending()
    with time_machine.travel(MONDAY, tick=False):
        response = client_for(w.dispatcher).post(
            f"/orders/{order.number}/act/dispatch/",
            {
                "dispatch-version": order.version,
                "dispatch-lead_unit": w.dept_a.pk,
                "dispatch-assisting_units": [w.dept_b.pk],
                "dispatch-part_days": "2",
            },
        )
    assert response.status_code == 302
    assert _due(w) == {at(2026, 3, 11, 9)}
