"""Who may open which page: each persona against each page, and URL guessing."""

from __future__ import annotations

import pytest
from django.test import Client

from civicdesk.orders.models import OrderEvent, WorkOrder
from civicdesk.orders.workflow import State
from tests.console.helpers import client_for, order_numbers, text
from tests.world import World

pytestmark = pytest.mark.django_db

PAGES = [
    "/",
    "/intake/new",
    "/orders/dispatch/",
    "/orders/inbox/",
    "/orders/callbacks/",
    "/orders/supervision/",
    "/orders/search/",
    "/manage/",
    "order",  # the page of an order signed for by dept_a (住建局)
]

# persona → expected status of each page above, in order.
RIGHTS = {
    "operator": [200, 200, 403, 403, 403, 403, 200, 403, 200],
    "dispatcher": [200, 200, 200, 403, 403, 200, 200, 403, 200],
    "handler_a": [200, 403, 403, 200, 403, 403, 200, 403, 200],
    "head_a": [200, 403, 403, 200, 403, 403, 200, 403, 200],
    "handler_b": [200, 403, 403, 200, 403, 403, 200, 403, 404],
    "town_handler": [200, 403, 403, 200, 403, 403, 200, 403, 404],
    "village_handler": [200, 403, 403, 200, 403, 403, 200, 403, 404],
    "callback_agent": [200, 403, 403, 403, 200, 403, 200, 403, 200],
    "supervisor": [200, 403, 403, 403, 403, 200, 200, 403, 200],
    "leader": [200, 403, 403, 403, 403, 200, 200, 403, 200],
    "admin": [200, 403, 403, 403, 403, 403, 200, 200, 200],
    "outsider": [200, 403, 403, 403, 403, 403, 200, 403, 404],
}


def _url(page: str, order: WorkOrder) -> str:
    return f"/orders/{order.number}/" if page == "order" else page


@pytest.mark.parametrize("persona", sorted(RIGHTS))
def test_it_gives_each_role_its_pages(w: World, persona: str) -> None:
    order = w.signed()
    client = client_for(getattr(w, persona))
    got = {page: client.get(_url(page, order)).status_code for page in PAGES}
    assert got == dict(zip(PAGES, RIGHTS[persona], strict=True))


def test_it_sends_anonymous_visitors_to_sign_in(w: World) -> None:
    order = w.signed()
    client = Client()
    for page in PAGES:
        url = _url(page, order)
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == f"/login/?next={url}", url


def test_it_explains_a_refusal_in_chinese_on_the_console_page(w: World) -> None:
    response = client_for(w.handler_a).get("/orders/dispatch/")
    assert response.status_code == 403
    html = text(response)
    assert "您没有权限访问此页面" in html
    assert "返回首页" in html
    assert "Traceback" not in html


def test_it_hides_another_units_order_from_url_guessing(w: World) -> None:
    order = w.dispatched()  # sent to dept_a; dept_b never worked on it
    client = client_for(w.handler_b)
    for url in (f"/orders/{order.number}/", f"/orders/{order.number[:-1]}9/"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert order.title not in text(response)
    assert order_numbers(text(client.get(f"/orders/search/?q={order.number}"))) == []


def test_it_answers_404_to_a_move_posted_on_another_units_order(w: World) -> None:
    order = w.dispatched()
    events = OrderEvent.objects.filter(order=order).count()
    client = client_for(w.handler_b)
    for action in ("sign", "request_return", "reply"):
        response = client.post(
            f"/orders/{order.number}/act/{action}/",
            {
                f"{action}-version": order.version,
                f"{action}-reason": "不属本单位",
                f"{action}-text": "已办",
                f"{action}-result": "solved",
            },
        )
        assert response.status_code == 404, action
    assert client.post(f"/orders/{order.number}/reveal/").status_code == 404
    order.refresh_from_db()
    assert order.state == State.DISPATCHED
    assert OrderEvent.objects.filter(order=order).count() == events


def test_it_lets_a_unit_keep_seeing_an_order_it_once_worked_on(w: World) -> None:
    from civicdesk.orders import actions

    order = actions.dispatch(w.new_order(), actor=w.dispatcher, lead_unit=w.dept_b)
    actions.redispatch(order, actor=w.dispatcher, lead_unit=w.dept_a, reason="职责调整")
    assert client_for(w.handler_b).get(f"/orders/{order.number}/").status_code == 200


def test_it_writes_nothing_for_a_move_the_user_has_no_right_to(w: World) -> None:
    order = w.replied()
    events = OrderEvent.objects.filter(order=order).count()
    response = client_for(w.handler_a).post(
        f"/orders/{order.number}/act/accept_reply/", {"accept_reply-version": order.version}
    )
    assert response.status_code == 403
    assert "您无权对工单" in text(response) and "审核通过" in text(response)  # the refusal names the move
    # Without the form's version (a hand-made request) the answer still says why.
    response = client_for(w.handler_a).post(f"/orders/{order.number}/act/accept_reply/", {})
    assert response.status_code == 400
    assert "您当前不能对该工单执行“审核通过”" in text(response)
    order.refresh_from_db()
    assert order.state == State.REPLIED
    assert OrderEvent.objects.filter(order=order).count() == events


def test_it_answers_404_to_an_unknown_move(w: World) -> None:
    order = w.dispatched()
    response = client_for(w.dispatcher).post(f"/orders/{order.number}/act/teleport/", {"teleport-version": 1})
    assert response.status_code == 404


def test_it_refuses_moves_by_get(w: World) -> None:
    order = w.dispatched()
    response = client_for(w.handler_a).get(f"/orders/{order.number}/act/sign/")
    assert response.status_code == 405
    order.refresh_from_db()
    assert order.state == State.DISPATCHED


def test_it_shows_a_plain_404_page_for_an_unknown_order(w: World) -> None:
    response = client_for(w.dispatcher).get("/orders/2099010100001/")
    assert response.status_code == 404
    html = text(response)
    assert "没有找到该页面或工单" in html
    assert "Traceback" not in html


def test_it_shows_a_calm_500_page_without_a_stack_trace(w: World, monkeypatch: pytest.MonkeyPatch) -> None:
    from civicdesk.orders import queues

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("database exploded")

    monkeypatch.setattr(queues, "taken_today", broken)
    client = Client(raise_request_exception=False)
    client.force_login(w.operator)
    response = client.get("/")
    assert response.status_code == 500
    html = text(response)
    assert "系统暂时出现问题" in html and "您填写的内容没有丢失" in html
    assert "database exploded" not in html and "Traceback" not in html


def test_it_reveals_nothing_through_the_queue_pages_move_urls(w: World) -> None:
    # The inbox, callback, review and merge pages have their own URLs for an order; none
    # may open or move an order of another unit (403 for the wrong role, 404 otherwise).
    order = w.dispatched()
    events = OrderEvent.objects.filter(order=order).count()
    client = client_for(w.handler_b)
    for url in (
        f"/orders/inbox/{order.number}/request_return/",
        f"/orders/callbacks/{order.number}/",
        f"/orders/{order.number}/merge/",
    ):
        response = client.get(url)
        assert response.status_code in (403, 404), url
        assert order.title not in text(response), url
    for url in (
        f"/orders/inbox/{order.number}/do/sign/",
        f"/orders/dispatch/review/{order.number}/accept_reply/",
        f"/orders/{order.number}/merge/",
        f"/orders/supervision/{order.number}/escalate/",
    ):
        assert client.post(url, {"version": order.version}).status_code in (403, 404), url
    order.refresh_from_db()
    assert order.state == State.DISPATCHED
    assert OrderEvent.objects.filter(order=order).count() == events


@pytest.mark.parametrize(
    ("persona", "shown", "hidden"),
    [
        ("operator", ["我今天受理的工单", 'href="/intake/new"'], ['href="/orders/dispatch/"', 'href="/manage/"']),
        ("dispatcher", ["待派单", "答复审核", 'href="/orders/dispatch/"'], ['href="/orders/inbox/"']),
        ("handler_a", ["本单位待办", 'href="/orders/inbox/"'], ['href="/intake/new"', 'href="/orders/dispatch/"']),
        ("callback_agent", ["待回访", 'href="/orders/callbacks/"'], ['href="/orders/inbox/"']),
        ("supervisor", ["已超期", 'href="/orders/supervision/"'], ['href="/intake/new"']),
        ("admin", ['href="/manage/"'], ['href="/orders/dispatch/"']),
        ("outsider", ["还没有分配角色"], ['href="/intake/new"', 'href="/manage/"']),
    ],
)
def test_it_shows_each_role_its_own_home_and_navigation(
    w: World, persona: str, shown: list[str], hidden: list[str]
) -> None:
    html = text(client_for(getattr(w, persona)).get("/"))
    for piece in shown:
        assert piece in html, piece
    for piece in hidden:
        assert piece not in html, piece
