"""补正: a department may ask once for more material; that pauses its own clock only — the
lead's deadline and the other departments' run on — and when the material is in, its deadline
moves on by the working time it waited."""

from __future__ import annotations

import pytest
import time_machine

from civicdesk.approvals.models import Application
from civicdesk.orders import actions
from civicdesk.orders.errors import InvalidInput, PermissionDenied
from civicdesk.orders.joint import parts_of, unit_part_figures
from civicdesk.orders.models import Assignment, WorkOrder
from tests.worktime.helpers import at
from tests.world import World

pytestmark = pytest.mark.django_db


def _part(order: WorkOrder, unit: object) -> Assignment:
    return Assignment.objects.get(order=order, unit=unit, active=True)


def test_asking_for_material_pauses_only_that_departments_clock(w: World, application: Application) -> None:
    order = application.order
    lead_due = order.handle_due_at
    with time_machine.travel(at(2026, 3, 10, 9), tick=False):
        actions.request_material(order, actor=w.handler_b, reason="请补充环评批复复印件。")

    # Thursday: market supervision's part (due Wednesday) waits for material, so it is not late.
    late = at(2026, 3, 12, 10)
    views = {p.assignment.unit_id: p for p in parts_of(order, late)}
    assert views[w.dept_b.pk].paused and not views[w.dept_b.pk].overdue
    assert views[w.dept_c.pk].overdue  # the environment bureau's clock ran on (due Thursday 09:00)
    assert {f.unit_id: f.overdue_open for f in unit_part_figures(now=late)} == {w.dept_b.pk: 0, w.dept_c.pk: 1}

    with time_machine.travel(at(2026, 3, 12, 9), tick=False):
        actions.supply_material(order, actor=w.operator, note="企业已补交环评批复。")

    order.refresh_from_db()
    # Waited two working days (Tuesday 09:00 → Thursday 09:00): due Wednesday → Friday.
    assert _part(order, w.dept_b).part_due_at == at(2026, 3, 13, 9)
    assert _part(order, w.dept_c).part_due_at == at(2026, 3, 12, 9)
    assert order.handle_due_at == lead_due


def test_a_department_asks_only_once(w: World, application: Application) -> None:
    order = application.order
    actions.request_material(order, actor=w.handler_b, reason="请补充环评批复复印件。")
    actions.supply_material(order, actor=w.operator)

    with pytest.raises(InvalidInput, match="已要求过一次补正"):
        actions.request_material(order, actor=w.handler_b, reason="再补一份。")


def test_only_an_approving_department_asks_for_material(w: World, application: Application) -> None:
    with pytest.raises(PermissionDenied):
        actions.request_material(application.order, actor=w.handler_a, reason="请补充。")
    with pytest.raises(InvalidInput, match="没有等待补正材料的部门"):
        actions.supply_material(application.order, actor=w.operator)


def test_material_received_is_offered_only_while_a_department_waits(w: World, application: Application) -> None:
    from civicdesk.orders.moves import available_moves  # the order page's list of moves

    order = application.order
    assert "supply_material" not in available_moves(w.operator, order)
    assert "request_material" in available_moves(w.handler_b, WorkOrder.objects.get(pk=order.pk))
    order = actions.request_material(order, actor=w.handler_b, reason="请补充环评批复复印件。")
    assert "supply_material" in available_moves(w.operator, order)
