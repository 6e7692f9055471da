"""The desk's figures against a small case computed by hand."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from civicdesk.chat import actions, figures
from civicdesk.chat.models import Chat
from tests.chat.helpers import waiting_chat
from tests.world import World

TZ = ZoneInfo("Asia/Shanghai")


def test_waiting_first_response_and_handled_per_operator(w: World) -> None:
    day = datetime(2026, 12, 8, tzinfo=TZ)
    now = datetime(2026, 12, 8, 10, 0, tzinfo=TZ)
    chats = [waiting_chat(w.hub) for _ in range(5)]
    # Chats 0–2 answered after 60, 120 and 600 seconds; 0 and 1 by the operator, 2 by the dispatcher.
    for chat, takers, seconds in zip(chats[:3], (w.operator, w.operator, w.dispatcher), (60, 120, 600), strict=True):
        actions.take(chat, actor=takers)
        actions.operator_says(chat, actor=takers, text="您好。")
        Chat.objects.filter(pk=chat.pk).update(
            started_at=now - timedelta(hours=1), first_response_at=now - timedelta(hours=1) + timedelta(seconds=seconds)
        )
    actions.note(chats[0], actor=w.operator, note="已解答。")
    actions.make_order(chats[1], actor=w.operator, request_type="enquiry")
    actions.citizen_leaves(chats[3])  # abandoned while waiting
    Chat.objects.filter(pk__in=[c.pk for c in chats[3:]]).update(started_at=now - timedelta(minutes=7))

    found = figures.figures(w.hub, day, day + timedelta(days=1), now=now)

    assert found.started == 5 and found.taken == 3 and found.abandoned == 1
    assert found.waiting == 1 and found.longest_wait == timedelta(minutes=7)
    assert found.first_response_avg == timedelta(seconds=260)  # (60 + 120 + 600) / 3
    assert found.first_response_p90 == timedelta(seconds=600)
    rows = {row.name: row for row in found.operators}
    operator, dispatcher = rows[str(w.operator)], rows[str(w.dispatcher)]
    assert (operator.handled, operator.noted, operator.ordered, operator.open_now) == (2, 1, 1, 0)
    assert (dispatcher.handled, dispatcher.open_now) == (0, 1)
