"""When the hub voids an order that requests were merged into (or its own caller withdraws
it), each merged caller is told by SMS that nothing more will come of it, without the hub's
internal reason; a merged caller who wants no reply is not texted."""

from __future__ import annotations

from civicdesk.notifications.models import OutboxMessage
from civicdesk.orders import actions
from tests.world import World


def _texts(order) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    event = order.events.last()
    rows = OutboxMessage.objects.filter(event=event, template="citizen_voided_parent").order_by("address")
    return [(m.address, m.text) for m in rows]


def test_the_merged_callers_hear_that_the_order_was_voided(w: World) -> None:
    parent = w.signed()
    first = actions.merge(w.new_order(citizen_phone="13900000001"), actor=w.dispatcher, into=parent)
    actions.merge(w.new_order(citizen_phone="13900000002", wants_reply=False), actor=w.dispatcher, into=parent)

    parent = actions.void(parent, actor=w.dispatcher, reason="来电人提供的是虚假地址，骚扰电话")

    assert _texts(parent) == [
        (
            "13900000001",
            f"您反映的问题（工单号 {first.number}）所合并办理的工单已撤销，如问题仍存在，请再次来电或网上提交。",
        )
    ]
    assert "骚扰" not in _texts(parent)[0][1]


def test_the_merged_callers_hear_when_the_first_caller_withdraws(w: World) -> None:
    parent = w.signed()
    actions.merge(w.new_order(citizen_phone="13900000001"), actor=w.dispatcher, into=parent)

    parent = actions.withdraw(parent, actor=w.operator, reason="已自行解决")

    assert [address for address, _text in _texts(parent)] == ["13900000001"]


def test_a_voided_order_without_merged_requests_texts_nobody_about_them(w: World) -> None:
    parent = actions.void(w.signed(), actor=w.dispatcher, reason="测试电话")

    assert _texts(parent) == []
