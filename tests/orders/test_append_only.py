from __future__ import annotations

import pytest

from civicdesk.orders.models import AppendOnlyError, OrderEvent
from civicdesk.orders.workflow import replay
from tests.world import World


def test_it_refuses_to_change_a_recorded_event(w: World) -> None:
    event = w.dispatched().events.last()
    event.note = "改写历史"

    with pytest.raises(AppendOnlyError):
        event.save()

    event.refresh_from_db()
    assert event.note == ""


def test_it_refuses_to_delete_a_recorded_event(w: World) -> None:
    event = w.dispatched().events.last()

    with pytest.raises(AppendOnlyError):
        event.delete()

    assert OrderEvent.objects.filter(pk=event.pk).exists()


def test_it_refuses_bulk_updates_and_deletes_of_the_history(w: World) -> None:
    order = w.signed(citizen_phone="")  # no citizen SMS rows pointing at the events
    events = OrderEvent.objects.filter(order=order)

    with pytest.raises(AppendOnlyError):
        events.update(note="改写历史")
    with pytest.raises(AppendOnlyError):
        events.delete()

    assert list(events.values_list("note", flat=True)) == ["", "", ""]


def test_it_numbers_events_without_gaps_and_they_replay_to_the_current_state(w: World) -> None:
    order = w.closed()

    rows = list(
        OrderEvent.objects.filter(order=order).order_by("seq").values_list("seq", "action", "from_state", "to_state")
    )
    assert [r[0] for r in rows] == list(range(1, len(rows) + 1))
    order.refresh_from_db()
    assert order.event_count == len(rows)
    assert replay([r[1:] for r in rows]) == order.state
