"""A convened unit that still owes its view is reminded once before the view falls due
(会商意见到期提醒): in its inbox, by the worker's sweep like the other watches."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from civicdesk.notifications.models import OutboxMessage
from civicdesk.orders import actions
from civicdesk.orders.errors import InvalidInput
from civicdesk.orders.models import OrderEvent
from civicdesk.runtime.sweeps import SWEEPS
from tests.world import World

SH = ZoneInfo("Asia/Shanghai")
MONDAY = datetime(2025, 11, 3, 9, 0, tzinfo=SH)  # one working day for the views: due Tuesday 09:00
TUESDAY_EARLY = datetime(2025, 11, 4, 8, 30, tzinfo=SH)
TUESDAY_LATE = datetime(2025, 11, 4, 9, 30, tzinfo=SH)


def _convened(w: World):  # type: ignore[no-untyped-def]
    with time_machine.travel(MONDAY, tick=False):
        order = actions.convene_consultation(
            w.bounced(), actor=w.dispatcher, units=[w.dept_a, w.dept_b], reason="职责不清，召集会商", days=1
        )
        return actions.give_view(order, actor=w.handler_a, text="属市场监管职责。")


def _told(username: str) -> list[str]:
    return list(
        OutboxMessage.objects.filter(template="remind_view", medium="inbox", user__username=username).values_list(
            "text", flat=True
        )
    )


def test_the_unit_still_owing_its_view_is_reminded_once_before_it_falls_due(w: World) -> None:
    order = _convened(w)
    assert actions.run_view_reminders(now=datetime(2025, 11, 3, 10, 0, tzinfo=SH)) == 0  # a day ahead: not yet

    assert actions.run_view_reminders(now=TUESDAY_EARLY) == 1
    assert actions.run_view_reminders(now=TUESDAY_EARLY) == 0  # once per unit and view

    event = OrderEvent.objects.get(order=order, action="remind_view")
    assert event.data["unit"] == w.dept_b.pk
    told = _told("handler_b")
    assert len(told) == 1 and order.number in told[0] and "2025-11-04 09:00" in told[0]
    assert _told("handler_a") == []  # its view is in


def test_no_reminder_once_the_view_is_due_or_given(w: World) -> None:
    order = _convened(w)
    with time_machine.travel(TUESDAY_EARLY, tick=False):
        actions.give_view(order, actor=w.handler_b, text="同意由住建主办。")

    assert actions.run_view_reminders(now=TUESDAY_EARLY) == 0
    assert actions.run_view_reminders(now=TUESDAY_LATE) == 0


def test_a_unit_whose_view_is_in_cannot_be_reminded(w: World) -> None:
    order = _convened(w)

    with pytest.raises(InvalidInput):
        actions.remind_view(order, unit=w.dept_a)


def test_the_worker_runs_the_reminders_with_the_other_watches() -> None:
    assert SWEEPS["consultation_reminders"] is actions.run_view_reminders
