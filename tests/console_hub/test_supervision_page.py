"""The supervision page: overdue and near-due orders counted per lead unit (sortable),
orders under supervision, the deadline watch's notices, and 督办 with a note per order."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from civicdesk.catalogue.models import RequestType
from civicdesk.orders import actions
from civicdesk.orders.models import WorkOrder
from civicdesk.org.models import OrgUnit
from tests.console_hub.helpers import HTMX, client_for, field_errors, fresh, row, text
from tests.world import World

SH = ZoneInfo("Asia/Shanghai")


def at(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2025, month, day, hour, minute, tzinfo=SH)


LOOK = at(11, 4, 16, 30)  # Tue; an enquiry dispatched Fri 10-31 10:00 was due 11-04 10:00


def enquiry_at(w: World, moment: datetime, unit: OrgUnit, title: str = "咨询占道审批") -> WorkOrder:
    with time_machine.travel(moment, tick=False):
        order = w.new_order(request_type=RequestType.ENQUIRY, title=title)
        return actions.dispatch(order, actor=w.dispatcher, lead_unit=unit)


@pytest.fixture
def chase(w: World) -> dict[str, WorkOrder]:
    """At LOOK: dept_a has two overdue and one near due; dept_b one overdue; dept_c nothing late."""
    return {
        "a_late_1": enquiry_at(w, at(10, 31, 10), w.dept_a),
        "a_late_2": enquiry_at(w, at(10, 31, 11), w.dept_a),
        "a_near": enquiry_at(w, at(11, 3, 10), w.dept_a),
        "b_late": enquiry_at(w, at(10, 31, 10), w.dept_b),
        "c_fine": enquiry_at(w, at(11, 4, 9), w.dept_c),
    }


def unit_rows(html: str) -> dict[str, dict[str, int]]:
    """Unit name → its counts, in the order the table shows them."""
    table = html[html.index('id="unit-table"') : html.index("</table>", html.index('id="unit-table"'))]
    result: dict[str, dict[str, int]] = {}
    for name, cells in re.findall(r'<tr[^>]*data-unit="([^"]+)">(.*?)</tr>', table, re.S):
        result[name] = {k: int(v) for k, v in re.findall(r'data-count="(\w+)">(\d+)<', cells)}
    return result


def listed(html: str) -> list[str]:
    return re.findall(r'<tr id="sv-(\d{13})"', html)


def get(w: World, user: object = None, **params: object) -> str:
    with time_machine.travel(LOOK, tick=False):
        response = client_for(user or w.supervisor).get("/orders/supervision/", params)  # type: ignore[arg-type]
    assert response.status_code == 200
    return text(response)


def test_it_counts_overdue_and_near_due_orders_per_lead_unit(w: World, chase: dict[str, WorkOrder]) -> None:
    units = unit_rows(get(w))

    assert units[w.dept_a.name] == {"overdue": 2, "near": 1, "flagged": 0}
    assert units[w.dept_b.name] == {"overdue": 1, "near": 0, "flagged": 0}
    assert w.dept_c.name not in units
    assert list(units) == [w.dept_a.name, w.dept_b.name]  # most overdue first


def test_it_sorts_the_units_by_any_column(w: World, chase: dict[str, WorkOrder]) -> None:
    assert list(unit_rows(get(w, sort="overdue", dir="asc"))) == [w.dept_b.name, w.dept_a.name]
    assert next(iter(unit_rows(get(w, sort="near", dir="desc")))) == w.dept_a.name
    html = get(w, sort="unit", dir="desc")
    assert list(unit_rows(html)) == sorted([w.dept_a.name, w.dept_b.name], reverse=True)
    assert 'aria-sort="descending"' in html


def test_it_lists_overdue_and_near_due_orders_and_narrows_them_to_one_unit(
    w: World, chase: dict[str, WorkOrder]
) -> None:
    late = {chase["a_late_1"].number, chase["a_late_2"].number, chase["b_late"].number}
    assert set(listed(get(w))) == late
    assert listed(get(w, list="near")) == [chase["a_near"].number]
    assert set(listed(get(w, list="overdue", unit=w.dept_b.pk))) == {chase["b_late"].number}
    assert "已超" in row(get(w), "sv", chase["b_late"].number)


def test_it_lists_flagged_orders_and_the_watch_notices(w: World, chase: dict[str, WorkOrder]) -> None:
    with time_machine.travel(LOOK, tick=False):
        assert actions.run_deadline_watch() > 0
    flagged = get(w, list="flagged")
    notices = get(w, list="notices")

    assert set(listed(flagged)) >= {chase["a_late_1"].number, chase["b_late"].number}
    assert chase["c_fine"].number not in listed(flagged)
    table = notices[notices.index('id="notice-table"') :]
    assert chase["a_late_1"].number in table
    assert "2 级" in table  # overdue, less than a working day late
    assert "办理" in table
    assert unit_rows(get(w))[w.dept_a.name]["flagged"] == 3  # the near-due one got a level-1 notice


def test_it_escalates_an_order_with_a_note(w: World, chase: dict[str, WorkOrder]) -> None:
    order = chase["b_late"]
    with time_machine.travel(LOOK, tick=False):
        response = client_for(w.supervisor).post(
            f"/orders/supervision/{order.number}/escalate/",
            {
                "supervise-version": order.version,
                "supervise-note": "请今日内答复来电人。",
            },
            headers=HTMX,
        )

    assert response.status_code == 200
    order = fresh(order)
    assert order.supervision_level == 1
    event = order.events.last()
    assert (event.action, event.note, event.actor) == ("supervise", "请今日内答复来电人。", w.supervisor)
    html = text(response)
    assert html.lstrip().startswith(f'<tr id="sv-{order.number}"')
    assert 'data-level="1"' in html and "已督办" in html


def test_it_escalates_without_htmx_and_goes_back_to_the_list(w: World, chase: dict[str, WorkOrder]) -> None:
    order = chase["a_near"]
    with time_machine.travel(LOOK, tick=False):
        response = client_for(w.supervisor).post(
            f"/orders/supervision/{order.number}/escalate/",
            {
                "supervise-version": order.version,
                "supervise-note": "临期提醒",
                "next": "/orders/supervision/?list=near",
            },
        )

    assert response.status_code == 302
    assert response["Location"] == "/orders/supervision/?list=near"
    assert fresh(order).supervision_level == 1


def test_it_needs_a_note_to_escalate_and_keeps_the_row(w: World, chase: dict[str, WorkOrder]) -> None:
    order = chase["a_late_1"]
    with time_machine.travel(LOOK, tick=False):
        response = client_for(w.supervisor).post(
            f"/orders/supervision/{order.number}/escalate/",
            {
                "supervise-version": order.version,
                "supervise-note": "",
            },
            headers=HTMX,
        )

    assert response.status_code == 400
    assert field_errors(text(response), f"id_{order.number}_supervise-note")
    assert fresh(order).supervision_level == 0


def test_it_says_so_when_the_order_moved_before_the_escalation(w: World, chase: dict[str, WorkOrder]) -> None:
    order = chase["a_late_1"]
    seen = order.version
    with time_machine.travel(LOOK, tick=False):
        actions.sign_for(order, actor=w.handler_a)
        response = client_for(w.supervisor).post(
            f"/orders/supervision/{order.number}/escalate/",
            {
                "supervise-version": seen,
                "supervise-note": "请尽快办理。",
            },
            headers=HTMX,
        )

    assert response.status_code == 409
    assert f"刚被 {w.dept_a.name} {w.handler_a.display_name} 于" in text(response)
    assert "已签收" in text(response)
    assert fresh(order).supervision_level == 0
