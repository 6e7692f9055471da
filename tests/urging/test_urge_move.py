"""催办 as a move: counted on the order, on the timeline, told to the unit and the owner,
and raising supervision every CIVICDESK_URGE_SUPERVISION_AT urges."""

from __future__ import annotations

import pytest
from django.test import override_settings

from civicdesk.notifications.models import OutboxMessage
from civicdesk.orders import actions
from civicdesk.orders.errors import InvalidInput, InvalidTransition, PermissionDenied
from civicdesk.orders.moves import available_moves
from tests.world import World


def _told(order) -> set[int]:
    event = order.events.order_by("-seq").first()
    return set(OutboxMessage.objects.filter(event=event, medium="inbox").values_list("user_id", flat=True))


def test_it_counts_and_leaves_the_order_where_it_stands(w: World) -> None:
    order = w.signed()

    order = actions.urge(order, actor=w.operator, via="phone", note="来电人说坑越来越大，催促尽快修。")

    order.refresh_from_db()
    assert (order.state, order.urge_count) == ("signed", 1)
    event = order.events.order_by("-seq").first()
    assert (event.action, event.from_state, event.to_state) == ("urge", "signed", "signed")
    assert event.data == {"via": "phone", "count": 1, "unit": w.dept_a.pk}
    assert event.note == "来电人说坑越来越大，催促尽快修。"


def test_it_tells_the_handling_unit_and_the_owner(w: World) -> None:
    order = w.signed()

    order = actions.urge(order, actor=w.dispatcher)

    # The unit's handler and head, and the operator who took the call first (首接).
    assert _told(order) == {w.handler_a.pk, w.head_a.pk, w.operator.pk}
    text = OutboxMessage.objects.filter(user=w.handler_a).order_by("-pk").first().text
    assert "催办" in text and "第1次" in text


def test_before_dispatch_the_hub_hears_of_it(w: World) -> None:
    order = w.pending()

    order = actions.urge(order, actor=w.operator)

    assert _told(order) == {w.dispatcher.pk}  # the operator is the owner and the actor


@override_settings(CIVICDESK_URGE_SUPERVISION_AT=2)
def test_every_step_of_urges_raises_supervision_and_reaches_the_supervisors(w: World) -> None:
    order = w.signed()

    order = actions.urge(order, actor=w.operator)
    assert order.supervision_level == 0
    assert w.supervisor.pk not in _told(order)
    order = actions.urge(order, actor=w.operator)
    assert order.supervision_level == 1
    assert order.events.order_by("-seq").first().data["supervision_level"] == 1
    assert w.supervisor.pk in _told(order)
    order = actions.urge(order, actor=w.operator)
    order = actions.urge(order, actor=w.operator)
    order.refresh_from_db()
    assert (order.urge_count, order.supervision_level) == (4, 2)


def test_urges_never_lower_a_supervision_already_higher(w: World) -> None:
    order = actions.supervise(w.signed(), actor=w.supervisor, note="请加快")
    order = actions.supervise(order, actor=w.supervisor, note="请加快")
    for _ in range(3):
        order = actions.urge(order, actor=w.operator)
    order.refresh_from_db()
    assert order.supervision_level == 2
    assert "supervision_level" not in order.events.order_by("-seq").first().data


def test_the_portal_urges_as_the_system(w: World) -> None:
    order = actions.urge(w.signed(), actor=None, via="portal", note="")

    event = order.events.order_by("-seq").first()
    assert event.actor_id is None and event.data["via"] == "portal"


@pytest.mark.parametrize("persona", ["handler_a", "callback_agent", "outsider", "leader"])
def test_only_intake_and_hub_staff_may_urge(w: World, persona: str) -> None:
    order = w.signed()

    with pytest.raises(PermissionDenied):
        actions.urge(order, actor=getattr(w, persona))
    assert "urge" not in available_moves(getattr(w, persona), order)
    order.refresh_from_db()
    assert order.urge_count == 0


def test_an_operator_sees_the_move(w: World) -> None:
    assert "urge" in available_moves(w.operator, w.signed())


@pytest.mark.parametrize("state", ["closed", "answered", "void", "merged"])
def test_a_finished_order_cannot_be_urged(w: World, state: str) -> None:
    order = w.in_state(state)

    with pytest.raises(InvalidTransition):
        actions.urge(order, actor=w.dispatcher)


def test_an_unknown_channel_or_a_long_note_is_refused(w: World) -> None:
    order = w.signed()

    with pytest.raises(InvalidInput):
        actions.urge(order, actor=w.operator, via="fax")
    with pytest.raises(InvalidInput) as caught:
        actions.urge(order, actor=w.operator, note="催" * 501)
    assert "note" in caught.value.fields
    order.refresh_from_db()
    assert order.urge_count == 0
