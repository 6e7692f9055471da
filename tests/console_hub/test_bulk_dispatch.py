"""Dispatching several orders at once: each goes through the dispatch action with the
version its row showed, and the report says which went where and which did not, and why."""

from __future__ import annotations

import re

from civicdesk.catalogue.models import DispatchRule
from civicdesk.orders import actions
from civicdesk.orders.models import Assignment, AssignmentRole
from civicdesk.orders.workflow import State
from tests.console_hub.helpers import (
    HTMX,
    board_numbers,
    bulk_post,
    client_for,
    field_errors,
    fresh,
    result_line,
    text,
)
from tests.world import World

BULK = "/orders/dispatch/bulk/"


def test_it_dispatches_every_ticked_order_to_its_own_suggestion(w: World) -> None:
    road = w.pending(category=w.cat_potholes, area=w.area_town)
    noise = w.pending(category=w.cat_noise)
    untouched = w.pending()

    response = client_for(w.dispatcher).post(
        BULK,
        bulk_post(
            [road, noise, untouched],
            selected=[road.number, noise.number],
            note="请按时限办理",
            **{f"suggested-{road.number}": w.dept_a.pk, f"suggested-{noise.number}": w.dept_c.pk},
        ),
    )

    assert response.status_code == 200
    assert (fresh(road).state, fresh(road).lead_unit) == (State.DISPATCHED, w.dept_a)
    assert (fresh(noise).state, fresh(noise).lead_unit) == (State.DISPATCHED, w.dept_c)
    assert fresh(untouched).state == State.PENDING_DISPATCH
    assert fresh(road).events.last().note == "请按时限办理"
    html = text(response)
    assert "成功 2 件，未成功 0 件" in html
    assert w.dept_a.name in result_line(html, road.number)
    assert board_numbers(html) == [untouched.number]


def test_it_looks_the_suggestion_up_when_the_row_did_not_carry_one(w: World) -> None:
    order = w.pending(category=w.cat_noise)

    client_for(w.dispatcher).post(BULK, bulk_post([order], selected=[order.number]))

    assert fresh(order).lead_unit == w.dept_c


def test_it_sends_the_ticked_orders_to_the_chosen_lead_and_assisting_units(w: World) -> None:
    first, second = w.pending(), w.pending(category=w.cat_noise)

    response = client_for(w.dispatcher).post(
        BULK,
        bulk_post(
            [first, second],
            selected=[first.number, second.number],
            lead_unit=w.dept_b.pk,
            assisting_units=[w.dept_a.pk, w.dept_c.pk],
        ),
    )

    assert response.status_code == 200
    for order in (first, second):
        assert fresh(order).lead_unit == w.dept_b
        helpers = Assignment.objects.filter(order=order, role=AssignmentRole.ASSIST, active=True)
        assert {a.unit for a in helpers} == {w.dept_a, w.dept_c}


def test_it_drops_a_rows_own_lead_from_the_assisting_units(w: World) -> None:
    order = w.pending(category=w.cat_noise)  # suggestion: dept_c

    response = client_for(w.dispatcher).post(
        BULK,
        bulk_post(
            [order],
            selected=[order.number],
            assisting_units=[w.dept_c.pk, w.dept_b.pk],
            **{f"suggested-{order.number}": w.dept_c.pk},
        ),
    )

    assert fresh(order).lead_unit == w.dept_c
    helpers = Assignment.objects.filter(order=order, role=AssignmentRole.ASSIST, active=True)
    assert [a.unit for a in helpers] == [w.dept_b]
    assert "主办单位不再兼作协办" in result_line(text(response), order.number)


def test_it_reports_a_stale_order_without_blocking_the_others(w: World) -> None:
    first, stale, last = w.pending(), w.pending(), w.pending()
    shown = bulk_post([first, stale, last], selected=[first.number, stale.number, last.number])
    # Between loading the board and pressing the button, someone else touched one order.
    actions.supplement(stale, actor=w.operator, text="来电人补充：坑洼在公交站旁。")

    response = client_for(w.dispatcher).post(BULK, shown, headers=HTMX)

    assert response.status_code == 200
    assert fresh(first).state == State.DISPATCHED
    assert fresh(last).state == State.DISPATCHED
    assert fresh(stale).state == State.PENDING_DISPATCH
    html = text(response)
    assert "成功 2 件，未成功 1 件" in html
    assert 'data-result="failed"' in result_line(html, stale.number)
    assert f"刚被 {w.hub.name} {w.operator.display_name} 于" in result_line(html, stale.number)
    assert 'data-result="ok"' in result_line(html, first.number)
    # The fresh state: the stale order is still listed, still ticked, with its new version.
    assert board_numbers(html) == [stale.number]
    assert f'name="version-{stale.number}" value="{fresh(stale).version}"' in html
    assert f'value="{stale.number}" id="sel-{stale.number}" checked' in html
    assert html.lstrip().startswith('<div id="board">')  # htmx gets the board, not the page


def test_it_reports_an_order_someone_else_dispatched_meanwhile(w: World) -> None:
    taken, mine = w.pending(), w.pending()
    shown = bulk_post([taken, mine], selected=[taken.number, mine.number])
    actions.dispatch(taken, actor=w.dispatcher, lead_unit=w.dept_b)

    html = text(client_for(w.dispatcher).post(BULK, shown))

    assert "已派单" in result_line(html, taken.number)  # the current state is named
    assert fresh(taken).lead_unit == w.dept_b
    assert fresh(mine).state == State.DISPATCHED


def test_it_reports_an_order_without_a_unit_to_send_it_to(w: World) -> None:
    DispatchRule.objects.filter(category__isnull=True).delete()
    lost, found = w.pending(category=None, area=None), w.pending()

    html = text(client_for(w.dispatcher).post(BULK, bulk_post([lost, found], selected=[lost.number, found.number])))

    assert "派单目录中没有建议单位" in result_line(html, lost.number)
    assert fresh(lost).state == State.PENDING_DISPATCH
    assert fresh(found).state == State.DISPATCHED


def test_it_asks_for_a_selection_and_keeps_what_was_typed(w: World) -> None:
    order = w.pending()

    response = client_for(w.dispatcher).post(
        BULK,
        bulk_post(
            [order],
            lead_unit=w.dept_b.pk,
            note="请尽快办理",
        ),
    )

    assert response.status_code == 400
    html = text(response)
    assert "请先勾选要派发的工单" in html
    assert 'value="请尽快办理"' in html
    assert re.search(rf'<option value="{w.dept_b.pk}"[^>]*\bselected\b', html)
    assert fresh(order).state == State.PENDING_DISPATCH


def test_it_shows_a_field_error_next_to_a_unit_it_cannot_dispatch_to(w: World) -> None:
    order = w.pending()

    response = client_for(w.dispatcher).post(BULK, bulk_post([order], selected=[order.number], lead_unit=w.hub.pk))

    assert response.status_code == 400
    assert field_errors(text(response), "bulk_lead_unit")
    assert fresh(order).state == State.PENDING_DISPATCH
