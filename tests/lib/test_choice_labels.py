"""An order's choices are shown by their labels in the reader's language, as Django's own
get_FOO_display shows them, also after the language changed; a value outside the choices
is shown as it is."""

from __future__ import annotations

from django.utils import translation

from civicdesk.orders.models import WorkOrder
from civicdesk.orders.workflow import State


def test_labels_follow_the_active_language() -> None:
    order = WorkOrder(state=State.PENDING_DISPATCH, urgency="urgent", request_type="complaint", channel="phone")
    with translation.override("zh-hans"):
        chinese = order.get_state_display()
        assert chinese == str(State.PENDING_DISPATCH.label)
    with translation.override("en"):
        english = order.get_state_display()
        assert english == str(State.PENDING_DISPATCH.label)
    assert chinese != english
    with translation.override("zh-hans"):
        assert order.get_state_display() == chinese


def test_every_choice_shows_its_label_and_an_unknown_value_itself() -> None:
    for state in State:
        assert WorkOrder(state=state.value).get_state_display() == str(state.label)
    assert WorkOrder(state="no-such-state").get_state_display() == "no-such-state"
