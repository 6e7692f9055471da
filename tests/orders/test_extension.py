from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from civicdesk.orders import actions
from civicdesk.orders.errors import InvalidInput
from civicdesk.orders.models import WorkOrder
from civicdesk.orders.workflow import State
from tests.world import World

SHANGHAI = ZoneInfo("Asia/Shanghai")
MONDAY_9 = datetime(2026, 3, 2, 9, 0, tzinfo=SHANGHAI)


@pytest.fixture
def signed_monday(w: World) -> Iterator[WorkOrder]:
    # A complaint dispatched Monday 2 March 2026 09:00 is due 15 working days later:
    # Monday 23 March 09:00 (no holidays in March 2026). The test then runs on Tuesday.
    with time_machine.travel(MONDAY_9, tick=False):
        order = w.signed()
    assert order.handle_due_at == datetime(2026, 3, 23, 9, 0, tzinfo=SHANGHAI)
    with time_machine.travel(datetime(2026, 3, 3, 10, 0, tzinfo=SHANGHAI), tick=False):
        yield order


def test_it_asks_for_more_days_and_waits_for_the_hub(w: World, signed_monday: WorkOrder) -> None:
    order = actions.request_extension(signed_monday, actor=w.handler_a, days="2.5", reason="需协调施工单位")

    order.refresh_from_db()
    assert order.state == State.EXTENSION_REQUESTED
    assert order.handle_due_at == datetime(2026, 3, 23, 9, 0, tzinfo=SHANGHAI)
    event = order.events.last()
    assert (event.action, event.note, event.data) == ("request_extension", "需协调施工单位", {"days": 2.5})


def test_it_moves_the_deadline_by_the_granted_working_days(w: World, signed_monday: WorkOrder) -> None:
    order = actions.request_extension(signed_monday, actor=w.handler_a, days=5, reason="需协调")

    order = actions.approve_extension(order, actor=w.dispatcher)

    order.refresh_from_db()
    assert order.state == State.SIGNED
    assert order.handle_due_at == datetime(2026, 3, 30, 9, 0, tzinfo=SHANGHAI)
    assert order.extension_days == 5
    assert order.events.last().data["days"] == 5


def test_it_can_grant_fewer_days_than_asked(w: World, signed_monday: WorkOrder) -> None:
    order = actions.request_extension(signed_monday, actor=w.handler_a, days=5, reason="需协调")

    order = actions.approve_extension(order, actor=w.dispatcher, days=2)

    order.refresh_from_db()
    assert order.handle_due_at == datetime(2026, 3, 25, 9, 0, tzinfo=SHANGHAI)
    assert order.extension_days == 2


def test_it_cannot_grant_more_days_than_asked(w: World, signed_monday: WorkOrder) -> None:
    order = actions.request_extension(signed_monday, actor=w.handler_a, days=3, reason="需协调")

    with pytest.raises(InvalidInput) as caught:
        actions.approve_extension(order, actor=w.dispatcher, days=4)

    assert caught.value.message == "批准天数不能超过申请的 3 个工作日。"
    order.refresh_from_db()
    assert order.state == State.EXTENSION_REQUESTED


def test_it_keeps_the_deadline_when_refused(w: World, signed_monday: WorkOrder) -> None:
    order = actions.request_extension(signed_monday, actor=w.handler_a, days=5, reason="需协调")

    order = actions.refuse_extension(order, actor=w.dispatcher, reason="工作量不大，请按期办结")

    order.refresh_from_db()
    assert order.state == State.SIGNED
    assert order.handle_due_at == datetime(2026, 3, 23, 9, 0, tzinfo=SHANGHAI)
    assert order.extension_days == 0


def test_it_caps_extensions_at_ten_working_days_in_total(w: World, signed_monday: WorkOrder) -> None:
    with pytest.raises(InvalidInput) as caught:
        actions.request_extension(signed_monday, actor=w.handler_a, days=11, reason="需协调")
    assert caught.value.fields == {"days": "最多还能延期 10 个工作日。"}

    order = actions.request_extension(signed_monday, actor=w.handler_a, days=8, reason="需协调")
    order = actions.approve_extension(order, actor=w.dispatcher)
    with pytest.raises(InvalidInput) as caught:
        actions.request_extension(order, actor=w.handler_a, days=3, reason="仍需协调")
    assert caught.value.fields == {"days": "最多还能延期 2 个工作日。"}
    order.refresh_from_db()
    assert order.state == State.SIGNED


@pytest.mark.parametrize("days", [0, -1, "2.3", "0.75", "abc", "nan", "Infinity"])
def test_it_wants_whole_or_half_working_days(w: World, signed_monday: WorkOrder, days: object) -> None:
    with pytest.raises(InvalidInput) as caught:
        actions.request_extension(signed_monday, actor=w.handler_a, days=days, reason="需协调")  # type: ignore[arg-type]

    assert caught.value.fields == {"days": "延期天数须为正数，以半个工作日为单位。"}


def test_it_must_be_asked_before_the_deadline(w: World, signed_monday: WorkOrder) -> None:
    with (
        time_machine.travel(datetime(2026, 3, 23, 9, 0, tzinfo=SHANGHAI), tick=False),
        pytest.raises(InvalidInput) as caught,
    ):
        actions.request_extension(signed_monday, actor=w.handler_a, days=2, reason="来不及")

    assert caught.value.message == "工单已超过办理时限，不能再申请延期。"
    signed_monday.refresh_from_db()
    assert signed_monday.state == State.SIGNED


def test_it_returns_a_rework_order_to_rework(w: World) -> None:
    order = actions.request_extension(w.rework(), actor=w.handler_a, days=2, reason="重办需时间")
    assert order.state == State.EXTENSION_REQUESTED

    assert actions.refuse_extension(order, actor=w.dispatcher, reason="不同意").state == State.REWORK
