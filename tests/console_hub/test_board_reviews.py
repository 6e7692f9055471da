"""The board's review queues: each row shows what the unit asked for, with the hub's
approve / refuse forms inline (the order page's ACTION_FORMS), posted in place by htmx."""

from __future__ import annotations

import re

from django.test import Client
from django.utils import timezone

from civicdesk.orders import actions
from civicdesk.orders.workflow import State
from tests.console_hub.helpers import HTMX, client_for, field_errors, fresh, review_numbers, row, text
from tests.world import World


def tab(w: World, key: str) -> str:
    response = client_for(w.dispatcher).get("/orders/dispatch/", {"tab": key})
    assert response.status_code == 200
    return text(response)


def review(
    w: World, order: object, action: str, data: dict[str, object], htmx: bool = False, client: Client | None = None
) -> object:
    url = f"/orders/dispatch/review/{order.number}/{action}/"  # type: ignore[attr-defined]
    return (client or client_for(w.dispatcher)).post(url, data, headers=HTMX if htmx else {})


def test_it_counts_each_queue_in_its_tab(w: World) -> None:
    w.pending()
    w.pending()
    w.return_requested()
    w.extension_requested()
    w.replied()
    w.replied()
    w.replied()

    html = tab(w, "pending")

    for key, count in {"pending": 2, "returns": 1, "extensions": 1, "suspensions": 0, "replies": 3}.items():
        assert f'data-count="{key}">{count}<' in html, key


def test_it_shows_the_return_reason_and_legal_basis(w: World) -> None:
    order = actions.request_return(
        w.signed(), actor=w.handler_a, reason="该路段属街道管养。", legal_basis="《城市道路管理条例》第二十一条"
    )

    shown = row(tab(w, "returns"), "review", order.number)

    assert "该路段属街道管养。" in shown
    assert "《城市道路管理条例》第二十一条" in shown
    assert w.dept_a.name in shown
    assert {"同意退单", "驳回退单"} <= set(_summaries(shown))


def test_it_shows_the_days_asked_and_the_current_deadline(w: World) -> None:
    order = w.extension_requested(days=3.5)

    shown = row(tab(w, "extensions"), "review", order.number)

    assert "3.5 个工作日" in shown
    assert "需协调施工单位" in shown
    assert order.handle_due_at is not None
    assert timezone.localtime(order.handle_due_at).strftime("%Y-%m-%d %H:%M") in shown


def test_it_shows_the_suspension_reason_and_the_reply_with_its_result(w: World) -> None:
    suspension = w.suspension_requested()
    reply = w.replied()

    assert "等待法院判决后方可处理。" in row(tab(w, "suspensions"), "review", suspension.number)
    shown = row(tab(w, "replies"), "review", reply.number)
    assert "已安排养护队于当日修复路面坑洼并清理积水。" in shown
    assert "已解决" in shown


def test_it_approves_a_return_from_the_board(w: World) -> None:
    order = w.return_requested()
    client = client_for(w.dispatcher)

    response = review(
        w,
        order,
        "approve_return",
        {
            "approve_return-version": order.version,
            "approve_return-note": "同意，重新派单。",
        },
        client=client,
    )

    assert response.status_code == 302
    assert response["Location"] == "/orders/dispatch/?tab=returns"
    assert (fresh(order).state, fresh(order).lead_unit) == (State.PENDING_DISPATCH, None)
    html = text(client.get(response["Location"]))
    assert "已同意退单" in html
    assert review_numbers(html) == []


def test_it_refuses_an_extension_in_place_with_htmx(w: World) -> None:
    order = w.extension_requested()

    response = review(
        w,
        order,
        "refuse_extension",
        {
            "refuse_extension-version": order.version,
            "refuse_extension-reason": "工期可以压缩，请按原时限办结。",
        },
        htmx=True,
    )

    assert response.status_code == 200
    assert fresh(order).state == State.SIGNED
    html = text(response)
    assert html.lstrip().startswith(f'<tr id="review-{order.number}"')  # only the row comes back
    assert "已驳回延期" in html
    assert "<form" not in html  # nothing left to review on it
    assert response["HX-Trigger"] == "board-changed"  # the tab counts refresh themselves


def test_it_approves_a_suspension_and_accepts_or_sends_back_replies(w: World) -> None:
    suspension, good, poor = w.suspension_requested(), w.replied(), w.replied()

    review(w, suspension, "approve_suspension", {"approve_suspension-version": suspension.version}, htmx=True)
    review(w, good, "accept_reply", {"accept_reply-version": good.version}, htmx=True)
    review(
        w,
        poor,
        "send_back_reply",
        {
            "send_back_reply-version": poor.version,
            "send_back_reply-reason": "未说明修复时间。",
        },
        htmx=True,
    )

    assert fresh(suspension).state == State.SUSPENDED
    assert fresh(good).state == State.AWAITING_CALLBACK
    assert fresh(poor).state == State.SIGNED
    assert fresh(poor).events.last().note == "未说明修复时间。"


def test_it_approves_fewer_days_than_asked(w: World) -> None:
    order = w.extension_requested(days=5)

    review(
        w,
        order,
        "approve_extension",
        {
            "approve_extension-version": order.version,
            "approve_extension-days": "2",
        },
        htmx=True,
    )

    assert fresh(order).extension_days == 2


def test_it_keeps_what_was_typed_and_shows_the_error_next_to_the_field(w: World) -> None:
    order = w.extension_requested(days=3)

    response = review(
        w,
        order,
        "approve_extension",
        {
            "approve_extension-version": order.version,
            "approve_extension-days": "4",  # more than asked: the action refuses
            "approve_extension-note": "酌情批准",
        },
        htmx=True,
    )

    assert response.status_code == 400
    html = text(response)
    assert field_errors(html, f"id_{order.number}_approve_extension-days") == ["批准天数不能超过申请的 3 个工作日。"]
    assert "酌情批准" in html
    assert '<details class="mb-1" open>' in html  # the form stays open
    assert fresh(order).state == State.EXTENSION_REQUESTED


def test_it_asks_for_the_reason_to_refuse_on_the_whole_board_without_htmx(w: World) -> None:
    order = w.return_requested()

    response = review(w, order, "refuse_return", {"refuse_return-version": order.version, "refuse_return-reason": ""})

    assert response.status_code == 400
    html = text(response)
    assert '<div id="board">' in html and "退单审核" in html
    assert field_errors(html, f"id_{order.number}_refuse_return-reason")
    assert fresh(order).state == State.RETURN_REQUESTED


def test_it_shows_the_fresh_state_when_someone_else_reviewed_first(w: World) -> None:
    order = w.replied()
    seen = order.version
    actions.accept_reply(order, actor=w.dispatcher)  # a colleague was quicker

    response = review(
        w,
        order,
        "send_back_reply",
        {
            "send_back_reply-version": seen,
            "send_back_reply-reason": "答复不完整。",
        },
        htmx=True,
    )

    assert response.status_code == 409
    html = text(response)
    assert "已被你在另一窗口于" in html  # the same dispatcher, in another tab
    assert "待回访" in html  # the state it is in now
    assert "<form" not in html
    assert fresh(order).state == State.AWAITING_CALLBACK


def test_it_warns_without_htmx_too_when_the_order_moved_meanwhile(w: World) -> None:
    order = w.return_requested()
    seen = order.version
    actions.refuse_return(order, actor=w.dispatcher, reason="请继续办理。")

    client = client_for(w.dispatcher)
    response = client.post(
        f"/orders/dispatch/review/{order.number}/approve_return/",
        {
            "approve_return-version": seen,
        },
        follow=True,
    )

    assert "已被你在另一窗口于" in text(response)
    assert fresh(order).state == State.SIGNED


def _summaries(html: str) -> list[str]:
    return [s.strip() for s in re.findall(r"<summary[^>]*>([^<]*)</summary>", html)]
