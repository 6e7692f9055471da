"""The lead department's own days are a real deadline of the application's order: its
handling deadline counts from the dispatch, a result assembled after it is late (for the
order's own figures too), the status page and the statistics show it, and a rework gives the
lead its own days again, not the policy's."""

from __future__ import annotations

import pytest
import time_machine

from civicdesk.approvals.models import Application
from civicdesk.approvals.status import figures
from civicdesk.orders import actions
from civicdesk.orders.models import DeadlineStatus, OrderEvent, WorkOrder
from tests.console.helpers import client_for, text
from tests.worktime.helpers import at
from tests.world import World

pytestmark = pytest.mark.django_db


def _answered_by_every_department(w: World, application: Application) -> WorkOrder:
    order = application.order
    with time_machine.travel(at(2026, 3, 10, 9), tick=False):
        order = actions.give_part(order, actor=w.handler_b, text="同意。")
        order = actions.give_part(order, actor=w.handler_c, text="同意。")
        return actions.sign_for(order, actor=w.handler_a)


def test_the_lead_departments_days_are_the_orders_handling_deadline(w: World, application: Application) -> None:
    order = application.order
    # Five working days from Monday 9 March 09:00, not the policy's ten for a request for help.
    assert order.handle_due_at == at(2026, 3, 16, 9)
    dispatch = OrderEvent.objects.get(order=order, action="dispatch")
    assert dispatch.data["lead_days"] == 5.0


def test_a_result_assembled_after_the_lead_deadline_is_late(w: World, application: Application) -> None:
    order = _answered_by_every_department(w, application)
    with time_machine.travel(at(2026, 3, 17, 10), tick=False):
        order = actions.reply(order, actor=w.handler_a, result="solved", text="各部门均同意，准予建设。")

    assert order.deadline_status() == DeadlineStatus.OVERDUE
    with time_machine.travel(at(2026, 3, 17, 11), tick=False):
        page = text(client_for(w.dispatcher).get(f"/approvals/{order.number}/"))
        lead = figures(w.dispatcher).leads
    assert "超期汇总" in page and "已汇总答复" in page
    assert [(f.unit_name, f.led, f.assembled, f.on_time, f.overdue_open) for f in lead] == [
        ("市住房和城乡建设局", 1, 1, 0, 0)
    ]


def test_a_result_in_time_counts_on_time(w: World, application: Application) -> None:
    order = _answered_by_every_department(w, application)
    with time_machine.travel(at(2026, 3, 13, 10), tick=False):
        order = actions.reply(order, actor=w.handler_a, result="solved", text="各部门均同意，准予建设。")
        lead = figures(w.dispatcher).leads

    assert order.deadline_status() == DeadlineStatus.ON_TIME
    assert [(f.led, f.assembled, f.on_time) for f in lead] == [(1, 1, 1)]


def test_past_its_deadline_the_lead_shows_overdue_on_the_status_page(w: World, application: Application) -> None:
    with time_machine.travel(at(2026, 3, 16, 10), tick=False):
        response = client_for(w.handler_b).get(f"/approvals/{application.order.number}/")
        lead = figures(w.dispatcher).leads

    page = text(response)
    assert 'id="lead-row"' in page and "lead-overdue" in page  # a department sees the lead's state too
    assert "2026-03-16 09:00" in page
    assert [(f.led, f.assembled, f.overdue_open) for f in lead] == [(1, 0, 1)]


def test_a_rework_gives_the_lead_its_own_days_again(w: World, application: Application) -> None:
    order = _answered_by_every_department(w, application)
    with time_machine.travel(at(2026, 3, 11, 9), tick=False):
        order = actions.reply(order, actor=w.handler_a, result="solved", text="各部门均同意，准予建设。")
        order = actions.accept_reply(order, actor=w.dispatcher)
    with time_machine.travel(at(2026, 3, 12, 9), tick=False):
        order = actions.record_callback(
            order, actor=w.callback_agent, solved="unsolved", satisfaction="unsatisfied", rework=True
        )

    # Five working days from Thursday 12 March 09:00.
    assert order.handle_due_at == at(2026, 3, 19, 9)
