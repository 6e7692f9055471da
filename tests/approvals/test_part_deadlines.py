"""An application goes to every department at once: the lead department assembles the
result, each approving department is an assisting part of the order with its own deadline
(its serial time in working days), all counted from the same moment."""

from __future__ import annotations

import pytest

from civicdesk.approvals.models import Application
from civicdesk.orders.models import Assignment, AssignmentRole, OrderEvent
from civicdesk.orders.workflow import State
from tests.worktime.helpers import at
from tests.world import World

pytestmark = pytest.mark.django_db


def test_each_department_gets_its_own_deadline_at_once(w: World, application: Application) -> None:
    order = application.order
    parts = {a.unit_id: a.part_due_at for a in Assignment.objects.filter(order=order, role=AssignmentRole.ASSIST)}

    assert order.state == State.DISPATCHED and order.lead_unit == w.dept_a
    assert parts == {w.dept_b.pk: at(2026, 3, 11, 9), w.dept_c.pk: at(2026, 3, 12, 9)}
    assert [s.days for s in application.steps.order_by("-lead", "pk")] == [5, 2, 3]
    dispatch = OrderEvent.objects.get(order=order, action="dispatch")
    assert dispatch.data["part_days_by_unit"] == {str(w.dept_b.pk): 2.0, str(w.dept_c.pk): 3.0}


def test_an_application_needs_an_approving_department(w: World, company: object) -> None:
    from civicdesk.approvals.actions import open_application  # the action under test, beside the fixture's
    from civicdesk.orders.errors import InvalidInput  # likewise

    with pytest.raises(InvalidInput, match="至少需要一个协同审批部门"):
        open_application(
            actor=w.dispatcher, enterprise=company, name="冷库", lead_unit=w.dept_a, lead_days=5, departments=[]
        )
    assert not Application.objects.exists()
