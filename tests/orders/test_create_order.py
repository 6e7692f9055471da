from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from civicdesk.notifications.models import Medium, OutboxMessage
from civicdesk.orders.errors import InvalidInput, PermissionDenied
from civicdesk.orders.models import OrderEvent, WorkOrder
from civicdesk.orders.workflow import State
from civicdesk.org.models import Role
from tests.world import World

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_it_records_the_request_with_the_operator_as_first_contact_owner(w: World) -> None:
    order = w.new_order(topics=[w.topic_epidemic])

    order.refresh_from_db()
    assert order.state == State.RECEIVED
    assert order.owner == w.operator
    assert order.hub == w.hub
    assert order.lead_unit is None
    assert list(order.topics.all()) == [w.topic_epidemic]
    event = OrderEvent.objects.get(order=order)
    assert (event.seq, event.action, event.from_state, event.to_state) == (1, "create", "", State.RECEIVED)
    assert event.actor == w.operator
    assert event.acting_unit == w.hub
    assert event.data["topics"] == ["epidemic"]
    assert order.version == 1


def test_it_numbers_orders_by_local_day_and_sequence(w: World) -> None:
    # 23:30 on 1 December in Shanghai is still 1 December there, though 15:30 UTC.
    with time_machine.travel(datetime(2026, 12, 1, 23, 30, tzinfo=SHANGHAI), tick=False):
        first = w.new_order()
        second = w.new_order()
    with time_machine.travel(datetime(2026, 12, 2, 0, 10, tzinfo=SHANGHAI), tick=False):
        next_day = w.new_order()

    assert first.number == "2026120100001"
    assert second.number == "2026120100002"
    assert next_day.number == "2026120200001"


def test_it_texts_the_citizen_that_the_request_was_taken(w: World) -> None:
    order = w.new_order(wants_reply=False)

    sms = OutboxMessage.objects.get(order=order, medium=Medium.SMS)
    assert sms.address == "13800001234"
    assert order.number in sms.text
    assert sms.text.startswith("您的诉求已受理")


def test_it_sends_no_text_without_a_phone_number(w: World) -> None:
    order = w.new_order(citizen_phone="")

    assert not OutboxMessage.objects.filter(order=order).exists()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"title": "  "}, "title", "请填写标题。"),
        ({"content": ""}, "content", "请填写诉求内容。"),
        ({"citizen_phone": "138-abc-1234"}, "citizen_phone", "电话号码格式不正确（只能包含数字、空格和连字符）。"),
        ({"channel": "pigeon"}, "channel", "请选择有效的选项。"),
        ({"request_type": "rant"}, "request_type", "请选择有效的选项。"),
        ({"urgency": "whenever"}, "urgency", "请选择有效的选项。"),
        ({"title": "坑" * 201}, "title", "不能超过 200 个字（现有 201 个）。"),
        ({"upstream_id": "WH-1"}, "upstream_platform", "填写上级平台编号时须注明上级平台。"),
    ],
)
def test_it_refuses_invalid_input_with_a_message_on_the_field(
    w: World, overrides: dict[str, object], field: str, message: str
) -> None:
    with pytest.raises(InvalidInput) as caught:
        w.new_order(**overrides)

    assert caught.value.fields == {field: message}
    assert not WorkOrder.objects.exists()
    assert not OrderEvent.objects.exists()


def test_it_refuses_the_same_upstream_case_twice(w: World) -> None:
    w.new_order(upstream_platform="minxin", upstream_id="MX-2026-001")

    with pytest.raises(InvalidInput) as caught:
        w.new_order(upstream_platform="minxin", upstream_id="MX-2026-001")

    assert caught.value.message == "上级平台工单 MX-2026-001 已受理过。"
    assert WorkOrder.objects.count() == 1


def test_it_keeps_the_upstream_id(w: World) -> None:
    order = w.new_order(channel="provincial", upstream_platform="minxin", upstream_id="MX-2026-002")

    order.refresh_from_db()
    assert (order.upstream_platform, order.upstream_id) == ("minxin", "MX-2026-002")


@pytest.mark.parametrize("persona", ["handler_a", "callback_agent", "supervisor", "outsider"])
def test_it_lets_only_intake_staff_take_requests(w: World, persona: str) -> None:
    with pytest.raises(PermissionDenied) as caught:
        w.new_order(actor=getattr(w, persona))

    assert caught.value.message == "您没有受理工单的权限。"
    assert not WorkOrder.objects.exists()


def test_it_lets_a_liaison_officer_file_for_the_hub(w: World) -> None:
    liaison = w.person("liaison", "驻企员小孙", (w.hub, Role.LIAISON))

    order = w.new_order(actor=liaison, channel="liaison")

    assert order.owner == liaison
    assert order.hub == w.hub


def test_it_refuses_coordinates_given_by_halves(w: World) -> None:
    from decimal import Decimal

    with pytest.raises(InvalidInput) as caught:
        w.new_order(latitude=Decimal("37.16"))

    assert caught.value.message == "经纬度需同时填写。"


def test_it_refuses_an_operator_who_left(w: World) -> None:
    w.operator.is_active = False
    w.operator.save()

    with pytest.raises(PermissionDenied) as caught:
        w.new_order()

    assert caught.value.message == "您没有受理工单的权限。"
    assert not WorkOrder.objects.exists()


def test_it_refuses_a_phone_number_too_long_to_store(w: World) -> None:
    with pytest.raises(InvalidInput) as caught:
        w.new_order(citizen_phone="+86 138 0000 1234 567")

    assert caught.value.fields == {"citizen_phone": "电话号码格式不正确（只能包含数字、空格和连字符）。"}
    assert not WorkOrder.objects.exists()


def test_it_accepts_a_landline_with_area_code(w: World) -> None:
    order = w.new_order(citizen_phone="0631-7512345")

    order.refresh_from_db()
    assert order.citizen_phone == "0631-7512345"
