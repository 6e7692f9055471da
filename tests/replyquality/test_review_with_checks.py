"""The checks run on every reply, the reviewer sees them with their reasons on the board and
the order page, and a reply that failed them is accepted only with a reason kept in the event."""

from __future__ import annotations

import pytest

from civicdesk.catalogue.models import ReplyPhrase
from civicdesk.orders import actions
from civicdesk.orders.errors import InvalidInput
from tests.console_hub.helpers import HTMX, client_for, field_errors, fresh, row, text
from tests.world import World

RUDE = "瞎投诉，这事不归我们管。"
GOOD = (
    "经核实，崖头街道人民路与成山大道交叉口南侧路面确有坑洼。根据《城市道路管理条例》第二十条，我局已于12月3日"
    "安排养护队修复并清理积水，现已恢复正常通行。如有疑问请致电0631-7561234。"
)


def _replied(w: World, text_: str, result: str = "solved"):
    return actions.reply(w.signed(), actor=w.handler_a, result=result, text=text_)


def test_the_reply_event_keeps_the_checks(w: World) -> None:
    order = _replied(w, RUDE)

    quality = order.events.order_by("-seq").first().data["quality"]
    assert quality["flagged"] and quality["blocking"]
    assert {"tone", "relevance", "completeness"} <= set(quality["failed"])
    # Kept as codes with their phrases, said in the reader's language when shown (orders.quality).
    assert {"code": "banned", "params": {"phrases": ["瞎投诉"]}, "check": "tone", "severity": "block"} in quality[
        "findings"
    ]


def test_a_good_reply_is_accepted_as_before(w: World) -> None:
    order = actions.accept_reply(_replied(w, GOOD), actor=w.dispatcher)

    assert order.state == "awaiting_callback"
    event = order.events.order_by("-seq").first()
    assert "quality_flagged" not in event.data and "override_reason" not in event.data


def test_a_failed_reply_needs_the_reviewers_reason(w: World) -> None:
    order = _replied(w, RUDE)

    with pytest.raises(InvalidInput) as caught:
        actions.accept_reply(order, actor=w.dispatcher)
    assert "override_reason" in caught.value.fields
    assert "瞎投诉" in caught.value.fields["override_reason"]
    assert fresh(order).state == "replied"

    order = actions.accept_reply(
        order, actor=w.dispatcher, override_reason="已电话核实，单位已现场处理，措辞另行通报批评。"
    )
    event = order.events.order_by("-seq").first()
    assert order.state == "awaiting_callback"
    assert event.data["override_reason"] == "已电话核实，单位已现场处理，措辞另行通报批评。"
    assert event.data["quality_flagged"] is True and "tone" in event.data["quality_failed"]


def test_a_warning_alone_needs_no_reason_but_is_recorded(w: World) -> None:
    order = actions.accept_reply(_replied(w, "人民路坑洼问题我局已知悉。"), actor=w.dispatcher)

    event = order.events.order_by("-seq").first()
    assert event.data["quality_flagged"] is True and event.data["quality_failed"] == ["completeness"]


def test_sending_back_records_whether_the_checks_had_flagged_it(w: World) -> None:
    order = actions.send_back_reply(_replied(w, RUDE), actor=w.dispatcher, reason="语气不当，请重新答复。")
    assert order.events.order_by("-seq").first().data == {"quality_flagged": True}


def test_the_administrators_list_is_what_is_checked(w: World) -> None:
    ReplyPhrase.objects.filter(phrase="瞎投诉").update(active=False)
    ReplyPhrase.objects.create(phrase="研究研究", kind="evasive")

    quiet = _replied(w, "瞎投诉。" + GOOD)
    loud = _replied(w, "我们再研究研究。" + GOOD)

    assert not quiet.events.order_by("-seq").first().data["quality"]["flagged"]
    assert loud.events.order_by("-seq").first().data["quality"]["failed"] == ["tone"]


def test_the_board_shows_the_flags_and_asks_for_the_reason(w: World) -> None:
    order = _replied(w, RUDE)
    client = client_for(w.dispatcher)

    html = text(client.get("/orders/dispatch/", {"tab": "replies"}))
    line = row(html, "review", order.number)
    assert "答复质量检查：未通过" in line and "瞎投诉" in line and "不归我们管" in line

    url = f"/orders/dispatch/review/{order.number}/accept_reply/"
    refused = client.post(url, {"accept_reply-version": order.version}, headers=HTMX)
    assert refused.status_code == 400
    assert any(
        "请填写理由" in e for e in field_errors(text(refused), f"id_{order.number}_accept_reply-override_reason")
    )
    assert fresh(order).state == "replied"

    accepted = client.post(
        url,
        {"accept_reply-version": order.version, "accept_reply-override_reason": "单位已整改到位，另行通报用语问题。"},
        headers=HTMX,
    )
    assert accepted.status_code == 200, text(accepted)[:500]
    assert fresh(order).state == "awaiting_callback"


def test_the_order_page_shows_the_checks_while_the_reply_waits(w: World) -> None:
    order = _replied(w, GOOD.replace("现已恢复正常通行", "我局将于下周安排修复"))

    html = text(client_for(w.dispatcher).get(f"/orders/{order.number}/"))
    assert "自相矛盾" in html and "将于下周安排修复" in html
