"""The queue pages list what waits for each role, nearest deadline first, with the deadline
state in colour and in words; search finds only what the user may see."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from civicdesk.catalogue.models import RequestType
from civicdesk.orders import actions
from civicdesk.orders.models import WorkOrder
from tests.console.helpers import client_for, order_numbers, text
from tests.world import World

pytestmark = pytest.mark.django_db

SH = ZoneInfo("Asia/Shanghai")


def at(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2025, month, day, hour, minute, tzinfo=SH)


# An ordinary stretch of working days (Fri 2025-10-31 .. Wed 11-05), no holiday.
LOOK = at(11, 4, 16, 30)
STATUS_WORDS = {"overdue": "超期", "near_due": "临期", "on_time": "正常"}


def row(html: str, number: str) -> str:
    """The table row that links to order `number`."""
    link = html.index(f'href="/orders/{number}/"')
    return html[html.rindex("<tr", 0, link) : html.index("</tr>", link)]


def assert_shown_as(html: str, number: str, status: str) -> None:
    shown = row(html, number)
    assert f"badge-deadline-{status}" in shown, (number, status)
    assert STATUS_WORDS[status] in shown, (number, status)
    for other in set(STATUS_WORDS) - {status}:
        assert f"badge-deadline-{other}" not in shown, (number, other)


def dispatched_at(w: World, moment: datetime, unit: object = None, **fields: object) -> WorkOrder:
    with time_machine.travel(moment, tick=False):
        order = w.new_order(**fields)
        return actions.dispatch(order, actor=w.dispatcher, lead_unit=unit or w.dept_a)


@pytest.fixture
def three_deadlines(w: World) -> dict[str, WorkOrder]:
    """At LOOK: one overdue, one near due, one on time, all with dept_a, created in the
    reverse of their deadline order."""
    on_time = dispatched_at(w, at(10, 31, 9), title="长期施工扰民")  # complaint: 15 working days
    near = dispatched_at(w, at(11, 3, 10), request_type=RequestType.ENQUIRY, title="咨询路灯报修")  # due 11-05 10:00
    late = dispatched_at(w, at(10, 31, 10), request_type=RequestType.ENQUIRY, title="咨询占道审批")  # due 11-04 10:00
    with time_machine.travel(at(11, 3, 11), tick=False):
        actions.sign_for(on_time, actor=w.handler_a)
    elsewhere = dispatched_at(w, at(10, 31, 10), unit=w.dept_b, request_type=RequestType.ENQUIRY, title="市监的")
    return {"overdue": late, "near_due": near, "on_time": on_time, "elsewhere": elsewhere}


def test_it_lists_the_units_inbox_nearest_deadline_first(w: World, three_deadlines: dict[str, WorkOrder]) -> None:
    with time_machine.travel(LOOK, tick=False):
        response = client_for(w.handler_a).get("/orders/inbox/")
    assert response.status_code == 200
    html = text(response)
    expected = [three_deadlines[s].number for s in ("overdue", "near_due", "on_time")]
    assert order_numbers(html) == expected
    for status in ("overdue", "near_due", "on_time"):
        assert_shown_as(html, three_deadlines[status].number, status)


def test_it_keeps_other_units_orders_out_of_the_inbox(w: World, three_deadlines: dict[str, WorkOrder]) -> None:
    with time_machine.travel(LOOK, tick=False):
        html = text(client_for(w.handler_b).get("/orders/inbox/"))
    assert order_numbers(html) == [three_deadlines["elsewhere"].number]


def test_it_lists_what_needs_chasing_on_the_supervision_page(w: World, three_deadlines: dict[str, WorkOrder]) -> None:
    client = client_for(w.supervisor)
    with time_machine.travel(LOOK, tick=False):
        default = client.get("/orders/supervision/")
        overdue = text(client.get("/orders/supervision/", {"list": "overdue"}))
        near = text(client.get("/orders/supervision/", {"list": "near"}))
    assert default.status_code == 200
    late = {three_deadlines["overdue"].number, three_deadlines["elsewhere"].number}  # the hub sees every unit
    assert set(order_numbers(text(default))) == late  # overdue is what opens first
    assert set(order_numbers(overdue)) == late
    assert order_numbers(near) == [three_deadlines["near_due"].number]
    assert_shown_as(overdue, three_deadlines["overdue"].number, "overdue")
    assert_shown_as(near, three_deadlines["near_due"].number, "near_due")


def test_it_lists_orders_waiting_for_dispatch_on_the_board(w: World) -> None:
    with time_machine.travel(at(11, 3, 9), tick=False):
        first = w.pending(title="第一件待派")
    with time_machine.travel(at(11, 3, 10), tick=False):
        second = w.pending(title="第二件待派")
        gone = w.dispatched(title="已派走的")
        response = client_for(w.dispatcher).get("/orders/dispatch/")
    assert response.status_code == 200
    numbers = order_numbers(text(response))
    assert first.number in numbers and second.number in numbers
    assert numbers.index(first.number) < numbers.index(second.number)
    assert gone.number not in numbers


def test_it_lists_replies_to_review_on_the_board(w: World) -> None:
    with time_machine.travel(at(11, 3, 9), tick=False):
        first = w.replied(title="先答复的")
    with time_machine.travel(at(11, 3, 10), tick=False):
        second = w.replied(title="后答复的")
        returned = w.return_requested(title="申请退单的")
        client = client_for(w.dispatcher)
        replies = order_numbers(text(client.get("/orders/dispatch/", {"tab": "replies"})))
        returns = order_numbers(text(client.get("/orders/dispatch/", {"tab": "returns"})))
    assert replies == [first.number, second.number]
    assert returns == [returned.number]


def test_it_lists_callbacks_by_callback_deadline(w: World) -> None:
    with time_machine.travel(at(11, 3, 10), tick=False):
        later = actions.accept_reply(w.replied(title="回访时限较晚"), actor=w.dispatcher)
    with time_machine.travel(at(11, 3, 9), tick=False):
        sooner = actions.accept_reply(w.replied(title="回访时限较早"), actor=w.dispatcher)
    assert sooner.callback_due_at is not None and later.callback_due_at is not None
    assert sooner.callback_due_at < later.callback_due_at
    still_with_unit = w.signed()
    with time_machine.travel(sooner.callback_due_at.astimezone(SH).replace(minute=30), tick=False):
        response = client_for(w.callback_agent).get("/orders/callbacks/")
    assert response.status_code == 200
    html = text(response)
    numbers = order_numbers(html)
    assert numbers == [sooner.number, later.number]
    assert still_with_unit.number not in numbers
    shown = row(html, sooner.number)
    assert "badge-deadline-overdue" in shown and "超期" in shown
    shown = row(html, later.number)
    assert "badge-deadline-on_time" in shown and "正常" in shown


@pytest.fixture
def two_units(w: World) -> dict[str, WorkOrder]:
    ours = w.signed(citizen_phone="13611112222", title="人民路井盖缺失", content="人民路井盖缺失，夜间危险。")
    theirs = actions.dispatch(
        w.new_order(citizen_phone="13611112222", title="人民路超市短斤少两", content="人民路超市短斤少两。"),
        actor=w.dispatcher,
        lead_unit=w.dept_b,
    )
    return {"ours": ours, "theirs": theirs}


def search(user: object, query: str) -> list[str]:
    response = client_for(user).get("/orders/search/", {"q": query})  # type: ignore[arg-type]
    assert response.status_code == 200
    return order_numbers(text(response))


def test_it_finds_by_number_only_visible_orders(w: World, two_units: dict[str, WorkOrder]) -> None:
    assert search(w.handler_a, two_units["ours"].number) == [two_units["ours"].number]
    assert search(w.handler_a, two_units["theirs"].number) == []
    assert search(w.dispatcher, two_units["theirs"].number) == [two_units["theirs"].number]


def test_it_finds_by_phone_only_visible_orders(w: World, two_units: dict[str, WorkOrder]) -> None:
    assert search(w.handler_a, "13611112222") == [two_units["ours"].number]
    assert search(w.handler_a, "136-1111-2222") == [two_units["ours"].number]
    assert set(search(w.dispatcher, "13611112222")) == {two_units["ours"].number, two_units["theirs"].number}
    assert search(w.outsider, "13611112222") == []


def test_it_finds_by_content_words_only_visible_orders(w: World, two_units: dict[str, WorkOrder]) -> None:
    assert search(w.handler_a, "人民路") == [two_units["ours"].number]
    assert search(w.handler_a, "人民路 井盖") == [two_units["ours"].number]
    assert search(w.handler_a, "短斤少两") == []
    assert search(w.handler_b, "短斤少两") == [two_units["theirs"].number]
    assert set(search(w.dispatcher, "人民路")) == {two_units["ours"].number, two_units["theirs"].number}


def test_it_keeps_the_search_filters_when_paging(w: World, monkeypatch: pytest.MonkeyPatch) -> None:
    from civicdesk.orders.views import lists

    monkeypatch.setattr(lists, "PAGE_SIZE", 2)
    pending = [w.pending(title=f"人民路第{i}件") for i in range(3)]
    w.dispatched(title="人民路已派的")
    client = client_for(w.dispatcher)
    first = text(client.get("/orders/search/", {"q": "人民路", "state": "pending_dispatch"}))
    assert len(order_numbers(first)) == 2
    link = re.search(r'href="(\?page=2[^"]*)"', first)
    assert link is not None
    second = text(client.get("/orders/search/" + link.group(1).replace("&amp;", "&")))
    assert not set(order_numbers(first)) & set(order_numbers(second))
    assert set(order_numbers(first) + order_numbers(second)) == {o.number for o in pending}
