"""The unit inbox lists the unit's own orders, nearest deadline first, with the deadline
status in words and the time left in working time."""

from __future__ import annotations

from datetime import datetime

import time_machine

from civicdesk.catalogue.models import RequestType
from civicdesk.orders import actions
from civicdesk.orders.models import WorkOrder
from civicdesk.org.models import OrgUnit
from tests.console_units.conftest import at
from tests.console_units.helpers import client_for, inbox_rows, order_numbers, text
from tests.world import World


def _dispatch_at(w: World, moment: datetime, request_type: str, lead: OrgUnit | None = None) -> WorkOrder:
    with time_machine.travel(moment, tick=False):
        order = w.new_order(request_type=request_type)
        return actions.dispatch(order, actor=w.dispatcher, lead_unit=lead or w.dept_a)


def test_it_lists_own_units_orders_by_deadline_with_status_words(w: World) -> None:
    # Enquiries have 2 working days, complaints 15 (08:30-12:00, 13:30-17:30 = 7.5 h a day).
    overdue = _dispatch_at(w, at(2026, 3, 2, 9, 0), RequestType.ENQUIRY)  # due Wed 4 Mar 09:00
    near_due = _dispatch_at(w, at(2026, 3, 5, 14, 0), RequestType.ENQUIRY)  # due Mon 9 Mar 14:00
    on_time = _dispatch_at(w, at(2026, 3, 9, 10, 0), RequestType.COMPLAINT)
    elsewhere = _dispatch_at(w, at(2026, 3, 2, 9, 0), RequestType.ENQUIRY, lead=w.dept_b)

    with time_machine.travel(at(2026, 3, 9, 10, 0), tick=False):
        html = text(client_for(w.handler_a).get("/orders/inbox/"))

    assert order_numbers(html) == [overdue.number, near_due.number, on_time.number]
    assert elsewhere.number not in html
    rows = inbox_rows(html)
    assert "badge-deadline-overdue" in rows[overdue.number]
    assert ">超期<" in rows[overdue.number]
    assert "已超期 3.1 个工作日" in rows[overdue.number]
    assert ">临期<" in rows[near_due.number]
    assert "剩余 2.5 个工作小时" in rows[near_due.number]
    assert ">正常<" in rows[on_time.number]
    assert "剩余 15 个工作日" in rows[on_time.number]


def test_it_counts_a_weekend_as_no_working_time(w: World) -> None:
    order = _dispatch_at(w, at(2026, 3, 6, 13, 30), RequestType.ENQUIRY)  # Friday; due Tue 10 Mar 13:30

    with time_machine.travel(at(2026, 3, 7, 20, 0), tick=False):  # Saturday evening
        html = text(client_for(w.handler_a).get("/orders/inbox/"))

    assert "剩余 1.5 个工作日" in inbox_rows(html)[order.number]


def test_it_shows_a_unit_head_the_sub_units_orders_and_not_a_handler_elsewhere(w: World) -> None:
    order = actions.sign_for(
        actions.dispatch(w.new_order(), actor=w.dispatcher, lead_unit=w.town), actor=w.town_handler
    )
    order = actions.sub_dispatch(order, actor=w.town_handler, sub_unit=w.village)
    direct = actions.dispatch(w.new_order(), actor=w.dispatcher, lead_unit=w.village)

    head = text(client_for(w.town_head).get("/orders/inbox/?tab=sub"))
    assert set(order_numbers(head)) == {order.number, direct.number}
    assert "下派至下级单位" in head
    # The handler who passed it down still follows it; an order sent straight to the
    # village is the village's, not his.
    handler = text(client_for(w.town_handler).get("/orders/inbox/"))
    assert order_numbers(handler) == [order.number]
    assert order_numbers(text(client_for(w.village_handler).get("/orders/inbox/"))) == [order.number, direct.number]
    assert order_numbers(text(client_for(w.handler_a).get("/orders/inbox/"))) == []


def test_it_filters_by_tab_and_deadline_status(w: World) -> None:
    overdue = _dispatch_at(w, at(2026, 3, 2, 9, 0), RequestType.ENQUIRY)
    signed = actions.sign_for(_dispatch_at(w, at(2026, 3, 9, 9, 0), RequestType.COMPLAINT), actor=w.handler_a)
    client = client_for(w.handler_a)

    with time_machine.travel(at(2026, 3, 9, 10, 0), tick=False):
        assert order_numbers(text(client.get("/orders/inbox/?tab=sign"))) == [overdue.number]
        assert order_numbers(text(client.get("/orders/inbox/?tab=handling"))) == [signed.number]
        assert order_numbers(text(client.get("/orders/inbox/?status=overdue"))) == [overdue.number]
        assert order_numbers(text(client.get("/orders/inbox/?status=on_time"))) == [signed.number]
        assert order_numbers(text(client.get(f"/orders/inbox/?q={signed.number}"))) == [signed.number]
