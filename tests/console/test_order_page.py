"""The order page: every field, the history in plain words, deadlines, the moves the user
may make, conflicts, and errors that keep what was typed."""

from __future__ import annotations

import re
from datetime import datetime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from civicdesk.catalogue.models import RequestType, Urgency
from civicdesk.orders import actions
from civicdesk.orders.models import OrderEvent, WorkOrder
from civicdesk.orders.workflow import State
from tests.console.helpers import client_for, field_block, field_errors, messages_shown, text
from tests.world import World

pytestmark = pytest.mark.django_db

SH = ZoneInfo("Asia/Shanghai")
MONDAY = datetime(2025, 11, 3, 10, 0, tzinfo=SH)  # an ordinary working week


def page(user: object, order: WorkOrder) -> str:
    response = client_for(user).get(f"/orders/{order.number}/")  # type: ignore[arg-type]
    assert response.status_code == 200
    return text(response)


def move_buttons(html: str) -> set[str]:
    """The moves offered on the page (the labels of their summaries)."""
    moves = html[html.index('id="moves"') : html.index('id="timeline"')]
    return set(re.findall(r'<summary class="[^"]*">([^<]+)</summary>', moves))


def local(moment: datetime | None) -> str:
    assert moment is not None
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def test_it_shows_every_field_of_the_order(w: World) -> None:
    order = w.dispatched(
        address="人民路与成山大道交叉口",
        urgency=Urgency.URGENT,
        topics=[w.topic_epidemic],
        request_type=RequestType.HELP,
    )
    html = page(w.dispatcher, order)
    for shown in (
        order.number,
        order.title,
        order.content,
        "人民路与成山大道交叉口",
        "求助",
        "紧急",
        "电话",
        "城乡建设",
        "路面破损",
        "崖头街道",
        "王先生",
        "13800001234",
        "话务员小李",
        "涉疫",
        "已派单",
        "市住房和城乡建设局",
        local(order.created_at),
    ):
        assert shown in html, shown


def test_it_tells_the_history_in_plain_chinese(w: World) -> None:
    order = w.replied()
    html = page(w.dispatcher, order)
    timeline = html[html.index('id="timeline"') :]
    for words in (
        "受理",
        "派单",
        "主办：市住房和城乡建设局",
        "签收",
        "答复",
        "已解决",
        "话务员小李",
        "派单员老张",
        "住建承办人",
        "→ 已签收",
        "→ 已答复",
    ):
        assert words in timeline, words
    for code in ("dispatch<", "sign_for", "replied<", "pending_dispatch", "lead_unit"):
        assert code not in timeline, code


def test_it_shows_the_deadlines(w: World) -> None:
    with time_machine.travel(MONDAY, tick=False):
        order = w.signed(request_type=RequestType.ENQUIRY)
        html = page(w.handler_a, order)
    deadlines = html[html.index("签收时限") :]
    for moment in (order.sign_due_at, order.signed_at, order.handle_due_at, order.return_due_at):
        assert local(moment) in deadlines
    assert "办理时限" in deadlines and "退单时限" in deadlines
    assert "badge-deadline-on_time" in html and "正常" in html


def test_it_offers_the_handler_only_the_handlers_moves(w: World) -> None:
    order = w.dispatched()
    moves = move_buttons(page(w.handler_a, order))
    assert "签收" in moves
    assert "申请退单" in moves
    assert not moves & {"审核通过", "派单", "改派", "作废", "回访", "督办", "答复"}


def test_it_offers_the_dispatcher_the_review_of_a_reply(w: World) -> None:
    order = w.replied()
    assert {"审核通过", "审核退回"} <= move_buttons(page(w.dispatcher, order))
    assert not move_buttons(page(w.handler_a, order)) & {"审核通过", "审核退回", "签收"}


def test_it_says_when_there_is_nothing_to_do(w: World) -> None:
    order = w.closed()
    html = page(w.handler_a, order)
    assert move_buttons(html) == set()
    assert "您当前不能对该工单执行操作" in html


def test_it_signs_for_an_order_and_says_so(w: World) -> None:
    order = w.dispatched()
    client = client_for(w.handler_a)
    response = client.post(f"/orders/{order.number}/act/sign/", {"sign-version": order.version})
    assert response.status_code == 302
    assert response["Location"] == f"/orders/{order.number}/"
    order.refresh_from_db()
    assert order.state == State.SIGNED
    html = text(client.get(response["Location"]))
    assert f"已签收：{order.number}" in messages_shown(html)
    assert '<span class="badge bg-secondary" id="order-state">已签收</span>' in html


def test_it_shows_the_fresh_state_when_someone_else_acted_first(w: World) -> None:
    order = w.dispatched()
    seen_version = order.version
    # The unit head signs while the handler still has the page open.
    actions.sign_for(order, actor=w.head_a)
    client = client_for(w.handler_a)
    response = client.post(
        f"/orders/{order.number}/act/request_return/",
        {
            "request_return-version": seen_version,
            "request_return-reason": "不属本单位职责",
        },
        follow=True,
    )
    assert response.status_code == 200
    html = text(response)
    assert any(f"刚被 {w.dept_a.name} {w.head_a.display_name} 于" in m for m in messages_shown(html))
    assert '<span class="badge bg-secondary" id="order-state">已签收</span>' in html
    order.refresh_from_db()
    assert order.state == State.SIGNED
    assert not OrderEvent.objects.filter(order=order, action="request_return").exists()


def test_it_keeps_what_was_typed_and_marks_the_missing_field(w: World) -> None:
    order = w.signed()
    response = client_for(w.handler_a).post(
        f"/orders/{order.number}/act/request_return/",
        {
            "request_return-version": order.version,
            "request_return-reason": "",
            "request_return-legal_basis": "《荣成市市政设施管理办法》第十二条",
        },
    )
    assert response.status_code == 400
    html = text(response)
    assert field_errors(html, "id_request_return-reason")
    assert "《荣成市市政设施管理办法》第十二条" in field_block(html, "id_request_return-legal_basis")
    assert re.search(r"<details class=\"mb-2\" open>\s*<summary[^>]*>申请退单</summary>", html)
    order.refresh_from_db()
    assert order.state == State.SIGNED


def test_it_puts_the_actions_objection_next_to_the_field(w: World) -> None:
    # The form allows 20 days, the rules only 10: the action's refusal lands on "days".
    order = w.signed()
    response = client_for(w.handler_a).post(
        f"/orders/{order.number}/act/request_extension/",
        {
            "request_extension-version": order.version,
            "request_extension-days": "20",
            "request_extension-reason": "需协调施工单位，工期较长。",
        },
    )
    assert response.status_code == 400
    html = text(response)
    assert any("最多还能延期" in e for e in field_errors(html, "id_request_extension-days"))
    assert "需协调施工单位，工期较长。" in field_block(html, "id_request_extension-reason")
    assert 'value="20"' in field_block(html, "id_request_extension-days")
    order.refresh_from_db()
    assert order.state == State.SIGNED
    # The form carries the order's current version, so correcting and resending works.
    assert f'name="request_extension-version" value="{order.version}"' in html


def test_it_dispatches_from_the_page(w: World) -> None:
    order = w.pending()
    response = client_for(w.dispatcher).post(
        f"/orders/{order.number}/act/dispatch/",
        {
            "dispatch-version": order.version,
            "dispatch-lead_unit": w.dept_a.pk,
            "dispatch-assisting_units": [w.dept_b.pk],
            "dispatch-note": "请住建局牵头办理",
        },
    )
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.state == State.DISPATCHED
    assert order.lead_unit == w.dept_a


def test_it_tells_the_second_of_two_signers_that_the_first_one_won(w: World) -> None:
    order = w.dispatched()
    first, second = client_for(w.head_a), client_for(w.handler_a)
    assert first.post(f"/orders/{order.number}/act/sign/", {"sign-version": order.version}).status_code == 302
    response = second.post(f"/orders/{order.number}/act/sign/", {"sign-version": order.version}, follow=True)
    assert response.status_code == 200
    assert any(
        f"刚被 {w.dept_a.name} {w.head_a.display_name} 于" in m and "已签收" in m
        for m in messages_shown(text(response))
    )
    assert OrderEvent.objects.filter(order=order, action="sign").count() == 1


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "/\\evil.example/"])
def test_it_goes_back_only_to_a_page_of_the_console(w: World, target: str) -> None:
    order = w.dispatched()
    response = client_for(w.handler_a).post(
        f"/orders/{order.number}/act/sign/", {"sign-version": order.version, "next": target}
    )
    assert response.status_code == 302
    location = response["Location"]
    assert location.startswith("/") and not location.startswith("//") and "\\" not in location
    assert urlsplit(location).netloc == ""


def test_it_goes_back_to_the_queue_it_came_from(w: World) -> None:
    order = w.dispatched()
    response = client_for(w.handler_a).post(
        f"/orders/{order.number}/act/sign/", {"sign-version": order.version, "next": "/orders/inbox/?tab=todo"}
    )
    assert response["Location"] == "/orders/inbox/?tab=todo"
