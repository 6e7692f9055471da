"""The counts on the queue pages' tabs are the number of orders each tab lists: the unit
inbox's tabs (an order both held and owed counted once), the dispatch board's (one query), the
supervision page's (its unit table's sums); the deadline watch's notices, which pile up with
the history, are counted up to a cap and then shown as "1,000+" (issue #20)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from civicdesk.lib import paging
from civicdesk.orders import actions
from civicdesk.orders.models import OrderEvent, SupervisionNotice, WorkOrder
from civicdesk.org.models import Role, User
from tests.console.helpers import client_for, text
from tests.world import World

pytestmark = pytest.mark.django_db


_INBOX_TAB = re.compile(r'href="\?tab=([a-z]+)[^"]*">[^<]*<span class="badge bg-secondary">(\d+)</span>')


def _inbox_tabs(html: str) -> dict[str, int]:
    return {key: int(count) for key, count in _INBOX_TAB.findall(html)}


def _listed(user: User, path: str, row: str) -> set[str]:
    """The orders a page lists: its rows' ids are `row` + the order's number."""
    html = text(client_for(user).get(path))
    return set(re.findall(rf'<tr id="{row}(\d{{13}})"', html))


def _busy_town(w: World) -> None:
    """Orders of every inbox tab for dept_a and the town: held in each state, an assisting part
    owed, a consultation seat owed, an instruction, a formal notice, and one the town passed
    down to its village."""
    w.dispatched()
    w.signed()
    w.replied()
    w.return_requested()
    w.instructed()
    w.noticed()
    w.joint(w.dept_b)
    actions.dispatch(w.new_order(), actor=w.dispatcher, lead_unit=w.dept_b, assisting_units=[w.dept_a])
    w.consulting()
    w.answered()
    w.closed()
    order = actions.dispatch(w.new_order(area=w.area_village), actor=w.dispatcher, lead_unit=w.town)
    order = actions.sign_for(order, actor=w.town_handler)
    actions.sub_dispatch(order, actor=w.town_handler, sub_unit=w.village)
    actions.dispatch(w.new_order(area=w.area_village), actor=w.dispatcher, lead_unit=w.town)


@pytest.mark.parametrize("who", ["handler_a", "head_a", "handler_b", "town_handler", "village_handler"])
def test_each_inbox_tab_counts_the_orders_it_lists(w: World, who: str) -> None:
    _busy_town(w)
    user = getattr(w, who)
    tabs = _inbox_tabs(text(client_for(user).get("/orders/inbox/")))
    assert "all" in tabs and "sign" in tabs
    listed = {key: len(_listed(user, f"/orders/inbox/?tab={key}", "row-")) for key in tabs}
    assert tabs == listed
    assert tabs["all"] > 0


def test_an_order_held_and_owed_by_the_same_person_counts_once(w: World) -> None:
    """The town's head holds an order the town leads and owes the village's assisting part on it
    (the village is below the town); a handler of two departments leads a joint order with one
    and assists with the other. Each order is one row of a tab and one in its count."""
    order = actions.dispatch(w.new_order(), actor=w.dispatcher, lead_unit=w.town, assisting_units=[w.village])
    both = w.person("both_ab", "两局承办人", (w.dept_a, Role.HANDLER), (w.dept_b, Role.HANDLER))
    w.joint(w.dept_b)
    for user in (w.town_head, both):
        tabs = _inbox_tabs(text(client_for(user).get("/orders/inbox/")))
        listed = {key: len(_listed(user, f"/orders/inbox/?tab={key}", "row-")) for key in tabs}
        assert tabs == listed
        assert (tabs["all"], tabs["sign"], tabs["assist"]) == (1, 1, 1), (user.username, tabs)
    actions.sign_for(order, actor=w.town_handler)
    tabs = _inbox_tabs(text(client_for(w.town_head).get("/orders/inbox/")))
    # The town signed for it, the village has not signed for its part yet: still to sign for.
    assert (tabs["all"], tabs["sign"], tabs["handling"], tabs["assist"]) == (1, 1, 1, 1)


def test_the_inbox_shows_sub_units_only_to_those_who_passed_orders_down(w: World) -> None:
    _busy_town(w)
    assert "sub" in _inbox_tabs(text(client_for(w.town_handler).get("/orders/inbox/")))
    assert "sub" not in _inbox_tabs(text(client_for(w.handler_a).get("/orders/inbox/")))
    assert "sub" in _inbox_tabs(text(client_for(w.head_a).get("/orders/inbox/")))


def _counts_shown(html: str) -> dict[str, str]:
    return dict(re.findall(r'data-count="([a-z]+)">([^<]*)</span>', html))


def test_each_board_tab_counts_the_orders_it_lists(w: World) -> None:
    w.pending()
    w.pending()
    with time_machine.travel(timezone.now() - timedelta(hours=1), tick=False):
        w.new_order()  # received an hour ago: waiting for dispatch
    w.new_order()  # just received: still being completed at intake, not on the board yet
    w.replied()
    w.return_requested()
    w.extension_requested()
    w.suspension_requested()
    w.consulting()
    client = client_for(w.dispatcher)
    html = text(client.get("/orders/dispatch/"))
    counts = {key: int(count) for key, count in _counts_shown(html).items()}
    assert counts["pending"] == 3
    assert counts["replies"] == counts["returns"] == counts["consultations"] == 1
    for key, count in counts.items():
        row = "pending-" if key == "pending" else "review-"
        assert len(_listed(w.dispatcher, f"/orders/dispatch/?tab={key}", row)) == count, key


def test_the_supervision_tabs_count_what_the_unit_table_adds_up_to(w: World) -> None:
    late = w.signed()
    actions.supervise(late, actor=w.supervisor, note="请加快办理")
    actions.supervise(w.joint(w.dept_b), actor=w.supervisor, note="请加快办理")
    w.objection_review()
    w.noticed()
    with time_machine.travel(timezone.now() + timedelta(days=60), tick=False):
        html = text(client_for(w.supervisor).get("/orders/supervision/"))
        tabs = _counts_shown(html)
        for key in ("overdue", "near", "flagged", "objections", "formal"):
            listed = _listed(w.supervisor, f"/orders/supervision/?list={key}", "sv-")
            assert int(tabs[key]) == len(listed), key
        assert int(tabs["flagged"]) >= 2
        assert int(tabs["overdue"]) > 0
        # Every order here is led by dept_a: its row of the table has them all, dept_b's none.
        dept_a = _counts_shown(text(client_for(w.supervisor).get(f"/orders/supervision/?unit={w.dept_a.pk}")))
        dept_b = _counts_shown(text(client_for(w.supervisor).get(f"/orders/supervision/?unit={w.dept_b.pk}")))
        for key in ("overdue", "near", "flagged"):
            assert (dept_a[key], dept_b[key]) == (tabs[key], "0"), key


def test_supervision_notices_are_counted_up_to_the_cap(w: World, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(paging, "COUNT_CAP", 2)
    orders = [w.signed() for _ in range(3)]

    def notice(order: WorkOrder, level: int) -> None:
        event = OrderEvent.objects.filter(order=order).last()
        assert event is not None
        SupervisionNotice.objects.create(
            order=order, stage="handle", level=level, due_at=order.handle_due_at, event=event
        )

    notice(orders[0], 1)
    notice(orders[1], 1)
    html = text(client_for(w.supervisor).get("/orders/supervision/?list=notices"))
    assert _counts_shown(html)["notices"] == "2"
    notice(orders[2], 1)
    html = text(client_for(w.supervisor).get("/orders/supervision/?list=notices"))
    assert _counts_shown(html)["notices"] == "2+"


def test_the_dispatchers_home_counts_what_the_board_tabs_count(w: World) -> None:
    w.pending()
    w.pending()
    w.new_order()  # just received: on neither
    w.replied()
    w.return_requested()
    w.return_requested()
    client = client_for(w.dispatcher)
    home = dict(
        re.findall(
            r'<a href="/orders/dispatch/(?:\?tab=([a-z]+))?">[^<]*</a><span class="count" data-queue-count>(\d+)<',
            text(client.get("/")),
        )
    )
    board = _counts_shown(text(client.get("/orders/dispatch/")))
    assert home == {"": "2", "returns": "2", "extensions": "0", "replies": "1"}
    assert {key or "pending": count for key, count in home.items()} == {
        key: board[key] for key in ("pending", "returns", "extensions", "replies")
    }
